//! Databases for the storage tests: an SQLite file in a temporary folder, or a fresh database
//! (`CREATE DATABASE`) in a throwaway PostgreSQL cluster that the first PostgreSQL test of a
//! test executable starts.
//!
//! The cluster is Debian's PostgreSQL (`/usr/lib/postgresql/<version>/bin`), initialised in a
//! temporary folder and listening on a free loopback port and a private socket folder. It
//! refuses to run as root, so as root it runs as the `postgres` system user. Without
//! PostgreSQL the tests fail (they do not skip): `cargo xtask test` installs it.
//!
//! Stopping: libtest ends the process without dropping statics, so no destructor in the test
//! binary can be relied on to stop a cluster shared by its tests. A small watcher process
//! started next to the cluster (in its own session, so Ctrl-C of the test run does not kill
//! it first) waits until the test executable has exited — passed, failed, panicked or killed —
//! then stops the cluster (`pg_ctl -m immediate`) and deletes its folder.
#![allow(clippy::unwrap_used, dead_code, unused_macros)]

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::Instant;

use fachwerk_backend::db::{Database, NewAccount, Target};
use fachwerk_shared::api::Role;
use fachwerk_shared::Workflow;
use sqlx::Connection;

/// An open test database; the SQLite file's folder lives as long as this.
pub struct TestDb {
    pub db: Database,
    pub target: Target,
    _dir: Option<tempfile::TempDir>,
}

pub async fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().unwrap();
    let target = Target::Sqlite(dir.path().join("fachwerk.sqlite3"));
    let db = Database::open(&target).await.unwrap();
    TestDb {
        db,
        target,
        _dir: Some(dir),
    }
}

pub async fn postgres() -> TestDb {
    let target = Target::Postgres(cluster().create_database().await);
    let db = Database::open(&target).await.unwrap();
    TestDb {
        db,
        target,
        _dir: None,
    }
}

/// A new, empty PostgreSQL database in the test cluster (its URL).
pub async fn postgres_url() -> String {
    cluster().create_database().await
}

struct Cluster {
    port: u16,
}

static CLUSTER: OnceLock<Cluster> = OnceLock::new();

fn cluster() -> &'static Cluster {
    CLUSTER.get_or_init(|| match Cluster::start() {
        Ok(c) => c,
        Err(e) => panic!("PostgreSQL for the storage tests: {e}"),
    })
}

/// The newest `/usr/lib/postgresql/<version>/bin` that has `initdb`.
fn postgres_bin() -> Result<PathBuf, String> {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let version = e.file_name().to_string_lossy().parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").is_file().then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin).ok_or_else(|| {
        "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb). `cargo xtask test` \
         installs Debian's postgresql package; by hand: apt-get install -y postgresql"
            .to_string()
    })
}

fn run(command: &mut Command) -> Result<(), String> {
    let out = command
        .output()
        .map_err(|e| format!("{command:?} cannot start: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{command:?} failed ({}): {}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

fn free_port() -> Result<u16, String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    Ok(listener.local_addr().map_err(|e| e.to_string())?.port())
}

/// Stops the cluster in `$3` with the binaries in `$2` once process `$1` has ended, then
/// deletes the folder; `$4` is the command prefix to run as the `postgres` user.
const WATCHER: &str = r#"
while kill -0 "$1" 2>/dev/null; do sleep 0.2; done
$4 "$2/pg_ctl" -D "$3/db" -m immediate stop >/dev/null 2>&1
rm -rf "$3"
"#;

impl Cluster {
    fn start() -> Result<Cluster, String> {
        let started = Instant::now();
        let bin = postgres_bin()?;
        let dir = tempfile::Builder::new()
            .prefix("fachwerk-pg-")
            .tempdir()
            .map_err(|e| e.to_string())?
            .keep();
        let as_root = std::fs::metadata(&dir).map_err(|e| e.to_string())?.uid() == 0;
        let as_postgres = if as_root {
            "runuser -u postgres --"
        } else {
            ""
        };
        Command::new("setsid")
            .args(["sh", "-c", WATCHER, "fachwerk-pg-watcher"])
            .arg(std::process::id().to_string())
            .arg(&bin)
            .arg(&dir)
            .arg(as_postgres)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start the watcher: {e}"))?;
        if as_root {
            run(Command::new("chown").arg("postgres").arg(&dir))?;
        }
        let pg = |program: &str| -> Command {
            if as_root {
                let mut c = Command::new("runuser");
                c.args(["-u", "postgres", "--"]).arg(bin.join(program));
                c
            } else {
                Command::new(bin.join(program))
            }
        };
        run(pg("initdb")
            .arg("-D")
            .arg(dir.join("db"))
            .args(["-A", "trust", "-U", "postgres", "-E", "UTF8"])
            .args(["--locale=C", "--no-sync"]))?;
        let port = free_port()?;
        // Throwaway data: no fsync (the storage layer's own durability is not under test here),
        // unless `FACHWERK_TEST_PG_DURABLE=1` (the storage bench compares durable stores).
        let durable = std::env::var("FACHWERK_TEST_PG_DURABLE").is_ok_and(|v| v == "1");
        let no_sync = if durable {
            ""
        } else {
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        };
        let options = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 {no_sync} -c max_connections=300",
            dir.display()
        );
        run(pg("pg_ctl")
            .arg("-D")
            .arg(dir.join("db"))
            .arg("-o")
            .arg(options)
            .arg("-l")
            .arg(dir.join("log"))
            .args(["-w", "start"]))
        .map_err(|e| format!("{e}\nlog: {}", log_tail(&dir)))?;
        // Shown with --nocapture (and with a failing test): the price of a real PostgreSQL.
        eprintln!(
            "PostgreSQL test cluster on 127.0.0.1:{port} ready in {} ms (initdb + start)",
            started.elapsed().as_millis()
        );
        Ok(Cluster { port })
    }

    async fn create_database(&self) -> String {
        static NEXT: AtomicUsize = AtomicUsize::new(1);
        // A generated identifier (CREATE DATABASE takes no parameters).
        let name = format!("test_{}", NEXT.fetch_add(1, Ordering::Relaxed));
        let url = |db: &str| format!("postgres://postgres@127.0.0.1:{}/{db}", self.port);
        let mut admin = sqlx::PgConnection::connect(&url("postgres")).await.unwrap();
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .unwrap();
        admin.close().await.unwrap();
        url(&name)
    }
}

fn log_tail(dir: &Path) -> String {
    let log = std::fs::read_to_string(dir.join("log")).unwrap_or_default();
    let lines: Vec<&str> = log.lines().collect();
    lines[lines.len().saturating_sub(20)..].join("\n")
}

/// Each case once against SQLite and once against PostgreSQL: `both_drivers!(a, b; c)` runs
/// `a(&db)` and `b(&db)`, and `c(&db, &target)` for cases that reopen the database.
macro_rules! both_drivers {
    ($($case:ident),* $(,)? $(; $($with_target:ident),* $(,)?)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    let t = crate::db_support::sqlite().await;
                    super::$case(&t.db).await;
                }
            )*
            $($(
                #[tokio::test]
                async fn $with_target() {
                    let t = crate::db_support::sqlite().await;
                    super::$with_target(&t.db, &t.target).await;
                }
            )*)?
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    let t = crate::db_support::postgres().await;
                    super::$case(&t.db).await;
                }
            )*
            $($(
                #[tokio::test]
                async fn $with_target() {
                    let t = crate::db_support::postgres().await;
                    super::$with_target(&t.db, &t.target).await;
                }
            )*)?
        }
    };
}

/// A template workflow under another key.
pub fn workflow(key: &str) -> Workflow {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../workflows/urlaubsantrag.json"
    );
    let mut w = fachwerk_shared::parse_workflow(&std::fs::read_to_string(path).unwrap()).unwrap();
    w.key = key.to_string();
    w
}

/// Creates an account (with a placeholder hash); returns its id.
pub async fn account(db: &Database, name: &str, role: Role) -> String {
    let new = NewAccount {
        name,
        role,
        password_hash: "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g",
        must_change_password: false,
        created_by: None,
    };
    db.create_account(&new).await.unwrap().id
}
