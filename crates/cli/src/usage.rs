//! clap's own words in Vietnamese, where clap lets them be changed: the layout of the help
//! ("Cách dùng", "Lệnh", "Tùy chọn", "Tham số"), the help and version flags, and every mistake on
//! the command line told as a Vietnamese sentence naming the flag, with the usage line and where
//! to read more. What clap writes itself inside a usage line (`[OPTIONS]`) and the annotations of
//! a help entry (`[default: …]`, `[possible values: …]`) cannot be replaced and stay as they are.

use std::ffi::OsString;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, Command, CommandFactory, FromArgMatches};

use crate::args::Cli;
use crate::error::CliError;

/// The help of every command: what it does, how to call it, then its commands and flags.
const HELP_TEMPLATE: &str = "\
{before-help}{about-with-newline}
Cách dùng: {usage}

{all-args}{after-help}";

/// The heading of commands, flags and positional arguments in a help.
const COMMANDS: &str = "Lệnh";
const OPTIONS: &str = "Tùy chọn";
/// The heading of the flags every command takes (services, TLS, token, `--json`).
const GLOBAL_OPTIONS: &str = "Tùy chọn chung";
const ARGUMENTS: &str = "Tham số";

/// What the command line asked for when it was not a command to run.
#[derive(Debug)]
pub enum NotRun {
    /// `--help` or `--version`: print the text on stdout and exit 0.
    Shown(String),
    /// A mistake on the command line, as a usage error (exit code 2); under `--json` it prints as
    /// JSON like every other error.
    Mistake(CliError),
}

/// `partyctl`'s command line with the Vietnamese layout, headings and help flags on every command.
pub fn command() -> Command {
    localize(Cli::command(), true)
}

/// Parses `args` (the program name first) into the command line, or says why not in Vietnamese.
pub fn parse<I, T>(args: I) -> Result<Cli, NotRun>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let mut command = command();
    let parsed = command
        .try_get_matches_from_mut(args)
        .and_then(|matches| Cli::from_arg_matches(&matches));
    parsed.map_err(|error| match error.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => NotRun::Shown(error.to_string()),
        _ => NotRun::Mistake(CliError::usage(describe(&error))),
    })
}

/// `command` and its subcommands with the Vietnamese help layout; `root` also gets `--version`.
fn localize(command: Command, root: bool) -> Command {
    let mut command = command
        .help_template(HELP_TEMPLATE)
        .subcommand_help_heading(COMMANDS)
        .subcommand_value_name("LỆNH")
        .disable_help_subcommand(true)
        .disable_help_flag(true)
        .mut_args(|arg| {
            if arg.get_help_heading().is_some() {
                arg
            } else if arg.is_global_set() {
                arg.help_heading(GLOBAL_OPTIONS)
            } else if arg.is_positional() {
                arg.help_heading(ARGUMENTS)
            } else {
                arg.help_heading(OPTIONS)
            }
        })
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help("In trợ giúp")
                .help_heading(OPTIONS),
        );
    if root {
        command = command.disable_version_flag(true).arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help("In số phiên bản")
                .help_heading(OPTIONS),
        );
    }
    let names: Vec<String> = command
        .get_subcommands()
        .map(|sub| sub.get_name().to_owned())
        .collect();
    for name in names {
        command = command.mut_subcommand(name, |sub| localize(sub, false));
    }
    command
}

/// The mistake as a Vietnamese sentence naming the flag, then the usage line and the help to read.
pub fn describe(error: &clap::Error) -> String {
    let arg = text(error, ContextKind::InvalidArg);
    let value = text(error, ContextKind::InvalidValue);
    let mut sentence = match error.kind() {
        ErrorKind::InvalidValue if value.is_empty() => format!("{arg} cần một giá trị"),
        ErrorKind::InvalidValue => {
            let mut sentence = format!("giá trị «{value}» không hợp lệ cho {arg}");
            let valid = text(error, ContextKind::ValidValue);
            if !valid.is_empty() {
                sentence.push_str(&format!("; các giá trị được phép: {valid}"));
            }
            sentence
        }
        ErrorKind::ValueValidation => {
            let reason = std::error::Error::source(error)
                .map(|source| format!(": {source}"))
                .unwrap_or_default();
            format!("giá trị «{value}» không hợp lệ cho {arg}{reason}")
        }
        ErrorKind::UnknownArgument => format!("không có tham số {arg} ở đây"),
        ErrorKind::InvalidSubcommand => format!(
            "không có lệnh «{}»",
            text(error, ContextKind::InvalidSubcommand)
        ),
        ErrorKind::MissingRequiredArgument => format!("thiếu tham số bắt buộc: {arg}"),
        ErrorKind::MissingSubcommand => "cần chọn một lệnh".to_owned(),
        // The error's text is the command's help: the commands to choose from.
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            format!("cần chọn một lệnh\n\n{error}")
        }
        ErrorKind::ArgumentConflict => {
            let prior = text(error, ContextKind::PriorArg);
            if prior.is_empty() || prior == arg {
                format!("{arg} không dùng được ở đây")
            } else {
                format!("{arg} không dùng cùng với {prior}")
            }
        }
        ErrorKind::NoEquals => format!("{arg} cần dấu = giữa tên và giá trị"),
        ErrorKind::TooManyValues => format!("{arg} nhận thừa giá trị «{value}»"),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            format!("{arg} không đủ giá trị")
        }
        ErrorKind::InvalidUtf8 => "dòng lệnh có ký tự không phải UTF-8".to_owned(),
        _ => "dòng lệnh không hợp lệ".to_owned(),
    };
    for (kind, lead) in [
        (ContextKind::SuggestedArg, "có phải là"),
        (ContextKind::SuggestedSubcommand, "có phải là lệnh"),
        (ContextKind::SuggestedValue, "có phải là"),
    ] {
        let suggestion = text(error, kind);
        if !suggestion.is_empty() {
            sentence.push_str(&format!(" ({lead} {suggestion}?)"));
        }
    }
    let usage = text(error, ContextKind::Usage);
    let usage = usage
        .trim()
        .strip_prefix("Usage:")
        .unwrap_or(&usage)
        .trim()
        .to_owned();
    if !usage.is_empty() {
        // The command's own words come before its first flag or placeholder.
        let command: Vec<&str> = usage
            .split_whitespace()
            .take_while(|word| !word.starts_with(['-', '[', '<']))
            .collect();
        let command = command.join(" ");
        sentence.push_str(&format!("\nCách dùng: {usage}\nXem thêm: {command} --help"));
    }
    sentence
}

/// A context value of the error as plain text (lists joined by commas), empty when absent.
fn text(error: &clap::Error, kind: ContextKind) -> String {
    match error.get(kind) {
        Some(ContextValue::String(value)) => value.clone(),
        Some(ContextValue::Strings(values)) => values.join(", "),
        Some(ContextValue::StyledStr(value)) => value.to_string(),
        Some(ContextValue::StyledStrs(values)) => values
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", "),
        Some(ContextValue::Number(value)) => value.to_string(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests;
