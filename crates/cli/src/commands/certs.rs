//! `partyctl certs init`: everything a province needs to run the services over mutual TLS with
//! signed tokens, in one new directory:
//!
//! | file | what |
//! | --- | --- |
//! | `ca.pem`, `ca-key.pem` | the CA that signs the server and client certificates |
//! | `server.pem`, `server-key.pem` | the services' certificate (`--tls-cert`, `--tls-key`) |
//! | `client-PP.pem`, `client-PP-key.pem` | the province's system (`partyctl --cert/--key`, `--membership-cert/--membership-key`) |
//! | `jwt-signing-key.pem` | the token issuer's Ed25519 private key (`partyctl tokens issue --key-file`), kept by the issuer alone |
//! | `jwt-public-key.pem` | its public key, all the services need (`--jwt-public-key-file`) |
//! | `jwt.key` | 32 random bytes, the HS256 shared key, for installations that keep one (`--jwt-key-file`) |
//!
//! Keys are written with mode 0600; nothing that already exists is overwritten (a second run
//! would otherwise replace a CA that certificates in use depend on), and a failure part-way
//! removes what this run wrote. [`generate`] is public so that tests can build the same set
//! without touching the disk.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DistinguishedName, DnType,
    ExtendedKeyUsagePurpose, IsCa, KeyPair, KeyUsagePurpose,
};

use crate::error::CliError;
use crate::parse::parse_province_code;

/// `partyctl certs …`.
#[derive(Debug, Subcommand)]
pub enum CertCommand {
    /// Tạo CA, chứng chỉ máy chủ, chứng chỉ máy khách của một tỉnh và khóa JWT trong một thư mục mới (không ghi đè tệp có sẵn).
    Init(CertInitArgs),
}

/// `partyctl certs init`.
#[derive(Debug, Clone, Args)]
pub struct CertInitArgs {
    /// Thư mục ghi các tệp (tạo nếu chưa có).
    #[arg(long)]
    pub dir: PathBuf,
    /// Mã tỉnh 2 chữ số của hệ thống máy khách (15 hoặc provinces/15).
    #[arg(long, value_parser = parse_province_code)]
    pub province: String,
    /// Tên máy chủ ghi vào chứng chỉ máy chủ (ngoài localhost và 127.0.0.1); lặp lại được.
    #[arg(long = "server-name", value_parser = parse_server_name)]
    pub server_names: Vec<String>,
    /// Số ngày hiệu lực của các chứng chỉ (1–3650).
    #[arg(long, default_value_t = 365, value_parser = clap::value_parser!(u32).range(1..=3650))]
    pub days: u32,
}

/// A DNS name or an IP address for the server certificate.
pub fn parse_server_name(value: &str) -> Result<String, String> {
    let name = value.trim().to_lowercase();
    if name.parse::<std::net::IpAddr>().is_ok() {
        return Ok(name);
    }
    let label_ok = |label: &str| {
        !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    if !name.is_empty() && name.len() <= 253 && name.split('.').all(label_ok) {
        Ok(name)
    } else {
        Err(format!(
            "tên máy chủ phải là tên miền (chữ không dấu, chữ số, dấu gạch nối, dấu chấm) hoặc địa chỉ IP (nhận được: {value})"
        ))
    }
}

/// Length of the HS256 key: the shortest the services accept, the size of the hash.
pub const JWT_KEY_BYTES: usize = partyregistry_kit::auth::MIN_KEY_BYTES;

/// The certificates, keys (PEM) and JWT key of one `certs init`.
#[derive(Clone)]
pub struct GeneratedCertificates {
    /// The 2-digit province code of the client certificate.
    pub province: String,
    /// The CA certificate.
    pub ca_pem: String,
    /// The CA's private key (PKCS#8).
    pub ca_key_pem: String,
    /// The services' certificate, signed by the CA.
    pub server_pem: String,
    /// Its private key.
    pub server_key_pem: String,
    /// The province system's client certificate, signed by the CA.
    pub client_pem: String,
    /// Its private key.
    pub client_key_pem: String,
    /// The names the server certificate is valid for (DNS names and IP addresses).
    pub server_names: Vec<String>,
    /// The raw HS256 key.
    pub jwt_key: Vec<u8>,
    /// The token issuer's Ed25519 private key (PKCS#8 PEM).
    pub jwt_signing_key_pem: String,
    /// Its public key (SubjectPublicKeyInfo PEM), for the services.
    pub jwt_public_key_pem: String,
}

impl std::fmt::Debug for GeneratedCertificates {
    // The keys are secrets: a debug print shows the certificates' subjects only.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GeneratedCertificates")
            .field("province", &self.province)
            .field("server_names", &self.server_names)
            .finish_non_exhaustive()
    }
}

impl GeneratedCertificates {
    /// The files to write: name, content, and whether it is a secret (mode 0600).
    pub fn files(&self) -> Vec<(String, &[u8], bool)> {
        let province = &self.province;
        vec![
            ("ca.pem".to_owned(), self.ca_pem.as_bytes(), false),
            ("ca-key.pem".to_owned(), self.ca_key_pem.as_bytes(), true),
            ("server.pem".to_owned(), self.server_pem.as_bytes(), false),
            (
                "server-key.pem".to_owned(),
                self.server_key_pem.as_bytes(),
                true,
            ),
            (
                format!("client-{province}.pem"),
                self.client_pem.as_bytes(),
                false,
            ),
            (
                format!("client-{province}-key.pem"),
                self.client_key_pem.as_bytes(),
                true,
            ),
            ("jwt.key".to_owned(), self.jwt_key.as_slice(), true),
            (
                "jwt-signing-key.pem".to_owned(),
                self.jwt_signing_key_pem.as_bytes(),
                true,
            ),
            (
                "jwt-public-key.pem".to_owned(),
                self.jwt_public_key_pem.as_bytes(),
                false,
            ),
        ]
    }
}

/// Generates a CA, a server certificate for `server_names` plus `localhost` and `127.0.0.1`, a
/// client certificate for province `province` (2 digits), all valid for `days` days from today,
/// and a random HS256 key.
pub fn generate(
    province: &str,
    server_names: &[String],
    days: u32,
) -> Result<GeneratedCertificates, CliError> {
    if province.len() != 2 || !province.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CliError::usage(format!(
            "mã tỉnh phải gồm 2 chữ số (nhận được: {province})"
        )));
    }
    if !(1..=3650).contains(&days) {
        return Err(CliError::usage(format!(
            "số ngày hiệu lực phải từ 1 đến 3650 (nhận được: {days})"
        )));
    }
    let mut names: Vec<String> = Vec::new();
    for name in server_names
        .iter()
        .map(|name| name.trim().to_lowercase())
        .chain(["localhost".to_owned(), "127.0.0.1".to_owned()])
    {
        if !names.contains(&name) {
            names.push(name);
        }
    }

    let ca_key = KeyPair::generate().map_err(rcgen_error)?;
    let mut ca_params = params(&[], days, "partyregistry CA", None)?;
    // The CA signs end-entity certificates only, never another CA.
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    ca_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca_key_pem = ca_key.serialize_pem();
    let ca = CertifiedIssuer::self_signed(ca_params, ca_key).map_err(rcgen_error)?;

    let server_key = KeyPair::generate().map_err(rcgen_error)?;
    let mut server_params = params(&names, days, "partyregistry services", None)?;
    server_params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    server_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    server_params.use_authority_key_identifier_extension = true;
    let server = server_params
        .signed_by(&server_key, &ca)
        .map_err(rcgen_error)?;

    let client_key = KeyPair::generate().map_err(rcgen_error)?;
    let mut client_params = params(
        &[],
        days,
        &format!("partyregistry province {province}"),
        Some(province),
    )?;
    client_params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    client_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    client_params.use_authority_key_identifier_extension = true;
    let client = client_params
        .signed_by(&client_key, &ca)
        .map_err(rcgen_error)?;

    let mut jwt_key = vec![0_u8; JWT_KEY_BYTES];
    ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut jwt_key)
        .map_err(|_| CliError::Other("không lấy được số ngẫu nhiên từ hệ điều hành".to_owned()))?;
    let (jwt_signing_key_pem, jwt_public_key_pem) =
        partyregistry_kit::signing::generate_ed25519_pem()
            .map_err(|e| CliError::Other(format!("không tạo được khóa ký Ed25519: {e}")))?;

    Ok(GeneratedCertificates {
        province: province.to_owned(),
        ca_pem: ca.pem(),
        ca_key_pem,
        server_pem: server.pem(),
        server_key_pem: server_key.serialize_pem(),
        client_pem: client.pem(),
        client_key_pem: client_key.serialize_pem(),
        server_names: names,
        jwt_key,
        jwt_signing_key_pem,
        jwt_public_key_pem,
    })
}

/// Parameters valid from today (midnight UTC, so that a clock slightly behind still accepts
/// them) for `days` days, with a subject naming the project and, for a client, its province.
fn params(
    names: &[String],
    days: u32,
    common_name: &str,
    province: Option<&str>,
) -> Result<CertificateParams, CliError> {
    let mut params = CertificateParams::new(names.to_vec()).map_err(rcgen_error)?;
    let today = chrono::Utc::now().date_naive();
    let (year, month, day) = (
        chrono::Datelike::year(&today),
        chrono::Datelike::month(&today),
        chrono::Datelike::day(&today),
    );
    // Month and day come from a valid date: they fit in u8.
    let month = u8::try_from(month).unwrap_or(1);
    let day = u8::try_from(day).unwrap_or(1);
    params.not_before = rcgen::date_time_ymd(year, month, day);
    params.not_after = params.not_before + std::time::Duration::from_secs(u64::from(days) * 86_400);
    let mut subject = DistinguishedName::new();
    subject.push(DnType::OrganizationName, "partyregistry");
    if let Some(province) = province {
        subject.push(
            DnType::OrganizationalUnitName,
            format!("province {province}"),
        );
    }
    subject.push(DnType::CommonName, common_name);
    params.distinguished_name = subject;
    Ok(params)
}

fn rcgen_error(error: rcgen::Error) -> CliError {
    CliError::Other(format!("không tạo được chứng chỉ: {error}"))
}

/// Writes `generated` into `dir` (created if missing, mode 0700 when created here). Refuses when
/// any of the files exists; removes what it wrote if a later file fails. Returns the paths.
pub fn write(dir: &Path, generated: &GeneratedCertificates) -> Result<Vec<PathBuf>, CliError> {
    let files = generated.files();
    let existing: Vec<String> = files
        .iter()
        .map(|(name, _, _)| dir.join(name))
        .filter(|path| path.exists())
        .map(|path| path.display().to_string())
        .collect();
    if !existing.is_empty() {
        return Err(CliError::usage(format!(
            "không ghi đè tệp đã có: {} (chọn thư mục khác hoặc tự xóa các tệp cũ)",
            existing.join(", ")
        )));
    }
    if !dir.exists() {
        create_private_dir(dir)?;
    }
    let mut written = Vec::new();
    for (name, content, secret) in files {
        let path = dir.join(&name);
        if let Err(error) = write_new(&path, content, secret) {
            for path in &written {
                let _ = std::fs::remove_file(path);
            }
            return Err(error);
        }
        written.push(path);
    }
    Ok(written)
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> Result<(), CliError> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| CliError::Other(format!("không tạo được thư mục {}: {e}", dir.display())))
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> Result<(), CliError> {
    std::fs::create_dir_all(dir)
        .map_err(|e| CliError::Other(format!("không tạo được thư mục {}: {e}", dir.display())))
}

/// Creates `path` (never following or reusing an existing entry) with the mode set at creation,
/// so that a key is never readable by others, not even for an instant.
fn write_new(path: &Path, content: &[u8], secret: bool) -> Result<(), CliError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(if secret { 0o600 } else { 0o644 });
    }
    #[cfg(not(unix))]
    let _ = secret;
    let outcome = options.open(path).and_then(|mut file| {
        file.write_all(content)?;
        file.sync_all()
    });
    outcome.map_err(|e| {
        // A file created but not completely written is removed with the others.
        if e.kind() != std::io::ErrorKind::AlreadyExists {
            let _ = std::fs::remove_file(path);
        }
        CliError::Other(format!("không ghi được {}: {e}", path.display()))
    })
}

/// Runs one `certs` subcommand.
pub fn run(command: CertCommand, json: bool) -> Result<(), CliError> {
    match command {
        CertCommand::Init(args) => init(&args, json),
    }
}

fn init(args: &CertInitArgs, json: bool) -> Result<(), CliError> {
    let generated = generate(&args.province, &args.server_names, args.days)?;
    let paths = write(&args.dir, &generated)?;
    if json {
        let files: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        let summary = serde_json::json!({
            "dir": args.dir.display().to_string(),
            "province": generated.province,
            "serverNames": generated.server_names,
            "days": args.days,
            "files": files,
        });
        let text = serde_json::to_string_pretty(&summary)
            .map_err(|e| CliError::Other(format!("không ghi được JSON: {e}")))?;
        println!("{text}");
        return Ok(());
    }
    let dir = args.dir.display();
    let province = &generated.province;
    println!(
        "Đã tạo trong {dir} (hiệu lực {} ngày; khóa riêng chỉ chủ sở hữu đọc được):",
        args.days
    );
    for path in &paths {
        println!("  {}", path.display());
    }
    println!(
        "\nChứng chỉ máy chủ dùng cho: {}",
        generated.server_names.join(", ")
    );
    println!(
        "\nMáy chủ:  --tls-cert {dir}/server.pem --tls-key {dir}/server-key.pem --client-ca {dir}/ca.pem --jwt-public-key-file {dir}/jwt-public-key.pem --jwt-issuer ISSUER"
    );
    println!(
        "Mã truy cập: partyctl tokens issue --key-file {dir}/jwt-signing-key.pem --issuer ISSUER --subject SUBJECT --audience membership --province {province} --rights aggregates"
    );
    println!(
        "Máy khách: partyctl --ca {dir}/ca.pem --cert {dir}/client-{province}.pem --key {dir}/client-{province}-key.pem --token-file TOKEN_FILE --membership https://localhost:50051 …"
    );
    println!(
        "Giữ kín ca-key.pem, jwt-signing-key.pem và jwt.key: ai có chúng có thể cấp chứng chỉ và mã truy cập; máy chủ chỉ cần jwt-public-key.pem."
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pem_blocks(pem: &str, label: &str) -> usize {
        let begin = format!("-----BEGIN {label}-----");
        let end = format!("-----END {label}-----");
        assert_eq!(
            pem.matches(&begin).count(),
            pem.matches(&end).count(),
            "{pem}"
        );
        pem.matches(&begin).count()
    }

    #[test]
    fn generated_files_are_pem_certificates_and_keys() {
        let generated = generate("15", &["registry.example.vn".to_owned()], 30).expect("generates");
        for certificate in [
            &generated.ca_pem,
            &generated.server_pem,
            &generated.client_pem,
        ] {
            assert_eq!(pem_blocks(certificate, "CERTIFICATE"), 1);
        }
        for key in [
            &generated.ca_key_pem,
            &generated.server_key_pem,
            &generated.client_key_pem,
        ] {
            assert_eq!(pem_blocks(key, "PRIVATE KEY"), 1);
        }
        assert_eq!(generated.jwt_key.len(), JWT_KEY_BYTES);
        assert_ne!(generated.jwt_key, vec![0; JWT_KEY_BYTES]);
        assert_eq!(
            generated.server_names,
            ["registry.example.vn", "localhost", "127.0.0.1"]
        );
        // Two runs share nothing.
        let again = generate("15", &[], 30).expect("generates");
        assert_ne!(again.ca_key_pem, generated.ca_key_pem);
        assert_ne!(again.jwt_key, generated.jwt_key);
        assert_eq!(again.server_names, ["localhost", "127.0.0.1"]);
        // The CA's key parses back, and is the one the CA certificate was made from.
        assert!(KeyPair::from_pem(&generated.ca_key_pem).is_ok());
        assert!(!format!("{generated:?}").contains("PRIVATE"));
    }

    #[test]
    fn bad_provinces_and_lifetimes_are_refused() {
        assert!(matches!(generate("150", &[], 30), Err(CliError::Usage(_))));
        assert!(matches!(generate("15", &[], 0), Err(CliError::Usage(_))));
        assert!(matches!(generate("15", &[], 3651), Err(CliError::Usage(_))));
    }

    fn scratch(name: &str) -> PathBuf {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        std::env::temp_dir().join(format!(
            "partyctl-certs-{name}-{}-{nanos}",
            std::process::id()
        ))
    }

    #[cfg(unix)]
    #[test]
    fn init_writes_every_file_with_keys_private_and_never_overwrites() {
        use std::os::unix::fs::PermissionsExt;
        let dir = scratch("init");
        let generated = generate("15", &[], 30).expect("generates");
        let paths = write(&dir.join("pki"), &generated).expect("writes");
        let names: Vec<String> = paths
            .iter()
            .filter_map(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            names,
            [
                "ca.pem",
                "ca-key.pem",
                "server.pem",
                "server-key.pem",
                "client-15.pem",
                "client-15-key.pem",
                "jwt.key",
                "jwt-signing-key.pem",
                "jwt-public-key.pem"
            ]
        );
        let mode = |name: &str| {
            std::fs::metadata(dir.join("pki").join(name))
                .expect("exists")
                .permissions()
                .mode()
                & 0o777
        };
        for key in [
            "ca-key.pem",
            "server-key.pem",
            "client-15-key.pem",
            "jwt.key",
            "jwt-signing-key.pem",
        ] {
            assert_eq!(mode(key), 0o600, "{key}");
        }
        for certificate in [
            "ca.pem",
            "server.pem",
            "client-15.pem",
            "jwt-public-key.pem",
        ] {
            assert_eq!(mode(certificate) & 0o077 & !0o044, 0, "{certificate}");
        }
        assert_eq!(
            std::fs::metadata(dir.join("pki"))
                .expect("exists")
                .permissions()
                .mode()
                & 0o777,
            0o700
        );
        assert_eq!(
            std::fs::read(dir.join("pki/jwt.key")).expect("readable"),
            generated.jwt_key
        );
        assert_eq!(
            std::fs::read_to_string(dir.join("pki/server.pem")).expect("readable"),
            generated.server_pem
        );

        // A second run refuses and leaves the first run's files as they were.
        let other = generate("15", &[], 30).expect("generates");
        assert!(matches!(
            write(&dir.join("pki"), &other),
            Err(CliError::Usage(_))
        ));
        assert_eq!(
            std::fs::read_to_string(dir.join("pki/ca-key.pem")).expect("readable"),
            generated.ca_key_pem
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[cfg(unix)]
    #[test]
    fn one_existing_file_stops_the_run_before_anything_is_written() {
        let dir = scratch("partial");
        std::fs::create_dir_all(&dir).expect("scratch directory");
        std::fs::write(dir.join("jwt.key"), b"keep me").expect("written");
        let generated = generate("12", &[], 30).expect("generates");
        assert!(write(&dir, &generated).is_err());
        let mut left: Vec<String> = std::fs::read_dir(&dir)
            .expect("readable")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, ["jwt.key"]);
        assert_eq!(
            std::fs::read(dir.join("jwt.key")).expect("readable"),
            b"keep me"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
