//! `partyctl completions SHELL`: the shell's completion script for every command and flag,
//! generated from the same definitions the parser uses.

/// Arguments of `partyctl completions`.
#[derive(Debug, Clone, clap::Args)]
pub struct CompletionsArgs {
    /// Trình shell: bash, zsh, fish, elvish hoặc powershell.
    pub shell: clap_complete::Shell,
}

/// Writes the completion script of `shell` for the command line `cli` to `out`.
pub fn write(shell: clap_complete::Shell, cli: &mut clap::Command, out: &mut dyn std::io::Write) {
    clap_complete::generate(shell, cli, "partyctl", out);
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;
    use crate::args::Cli;

    #[test]
    fn the_bash_script_completes_the_commands_and_flags() {
        let mut script = Vec::new();
        write(clap_complete::Shell::Bash, &mut Cli::command(), &mut script);
        let script = String::from_utf8(script).expect("the script is text");
        assert!(script.contains("_partyctl"));
        assert!(script.contains("report"));
        assert!(script.contains("--membership"));
    }
}
