//! The precompressed copies the server sends instead of the built files, and their sizes.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{Context, Result};

/// The two precompressed copies beside a file.
#[derive(Clone, Copy, Debug)]
enum Encoding {
    /// `NAME.gz`, written by zopfli: gzip that every browser reads, about 5 % smaller than
    /// gzip -9 (the designer's main wasm: 478 instead of 502 KB), for browsers that get no
    /// brotli (plain HTTP).
    Gzip,
    /// `NAME.br`, brotli at quality 11: about a fifth smaller than the gzip copy, what current
    /// browsers accept over HTTPS (the server prefers it).
    Brotli,
}

impl Encoding {
    fn path(self, file: &Path) -> PathBuf {
        let mut name = file.as_os_str().to_owned();
        name.push(match self {
            Encoding::Gzip => ".gz",
            Encoding::Brotli => ".br",
        });
        PathBuf::from(name)
    }

    fn write(self, file: &Path) -> Result<()> {
        let data = std::fs::read(file).with_context(|| format!("{} missing", file.display()))?;
        let mut packed = Vec::with_capacity(data.len() / 3);
        match self {
            Encoding::Gzip => zopfli::compress(
                zopfli::Options {
                    // 15 (the default) takes half as long again for 0.01 % (the designer's
                    // wasm: 475,774 bytes after 5, 475,729 after 15).
                    iteration_count: std::num::NonZeroU64::new(5).expect("not zero"),
                    ..Default::default()
                },
                zopfli::Format::Gzip,
                data.as_slice(),
                &mut packed,
            )?,
            Encoding::Brotli => {
                let params = brotli::enc::BrotliEncoderParams {
                    quality: 11,
                    lgwin: 24,
                    ..Default::default()
                };
                brotli::BrotliCompress(&mut data.as_slice(), &mut packed, &params)?;
            }
        }
        std::fs::write(self.path(file), packed)
            .with_context(|| format!("cannot write the {self:?} copy of {}", file.display()))
    }
}

/// Writes both copies beside every wasm, JS and CSS file of `dirs` (not of their subfolders), on
/// every core: the largest files first, so that the threads end about together.
pub fn write_copies(dirs: &[PathBuf]) -> Result<()> {
    let mut files: Vec<(u64, PathBuf)> = Vec::new();
    for dir in dirs {
        for entry in std::fs::read_dir(dir).with_context(|| format!("{} missing", dir.display()))? {
            let path = entry?.path();
            if path.is_file()
                && path
                    .extension()
                    .is_some_and(|e| e == "wasm" || e == "js" || e == "css")
            {
                files.push((std::fs::metadata(&path)?.len(), path));
            }
        }
    }
    files.sort_by_key(|f| std::cmp::Reverse(f.0));
    let jobs: Vec<(Encoding, &Path)> = files
        .iter()
        .flat_map(|(_, p)| {
            [
                (Encoding::Gzip, p.as_path()),
                (Encoding::Brotli, p.as_path()),
            ]
        })
        .collect();
    let next = AtomicUsize::new(0);
    let work = || -> Result<()> {
        while let Some((copy, file)) = jobs.get(next.fetch_add(1, Ordering::Relaxed)) {
            copy.write(file)?;
        }
        Ok(())
    };
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    std::thread::scope(|s| {
        let others: Vec<_> = (1..threads).map(|_| s.spawn(work)).collect();
        let mut result = work();
        for other in others {
            let done = other
                .join()
                .unwrap_or_else(|_| Err(anyhow::anyhow!("compression panicked")));
            result = result.and(done);
        }
        result
    })
}

/// The sizes a browser receives for `file`: its gzip copy (or, without one, gzip -9 of it) and
/// its brotli copy (or, without one, that gzip size, as the server then sends gzip).
pub fn sent_sizes(file: &Path) -> Result<(u64, u64)> {
    let gzip = match std::fs::metadata(Encoding::Gzip.path(file)) {
        Ok(m) => m.len(),
        Err(_) => gzip_best(file)?,
    };
    let brotli = std::fs::metadata(Encoding::Brotli.path(file)).map_or(gzip, |m| m.len());
    Ok((gzip, brotli))
}

fn gzip_best(file: &Path) -> Result<u64> {
    use std::io::Write;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(&std::fs::read(file)?)?;
    Ok(enc.finish()?.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_copies_unpack_to_the_file_and_are_what_the_sizes_count() -> Result<()> {
        let dir = std::env::temp_dir().join(format!("xtask-compress-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let text: String = (0..4000).map(|i| format!("fn f{i}() {{}}\n")).collect();
        std::fs::write(dir.join("app.js"), &text)?;
        std::fs::write(dir.join("notes.txt"), &text)?;
        write_copies(std::slice::from_ref(&dir))?;

        let gz = std::fs::read(dir.join("app.js.gz"))?;
        let mut unpacked = String::new();
        std::io::Read::read_to_string(
            &mut flate2::read::GzDecoder::new(gz.as_slice()),
            &mut unpacked,
        )?;
        assert_eq!(unpacked, text);
        let br = std::fs::read(dir.join("app.js.br"))?;
        let mut unpacked = Vec::new();
        brotli::BrotliDecompress(&mut br.as_slice(), &mut unpacked)?;
        assert_eq!(unpacked, text.as_bytes());
        assert!(
            !dir.join("notes.txt.gz").exists(),
            "only wasm, JS and CSS get copies"
        );

        let (gzip, brotli) = sent_sizes(&dir.join("app.js"))?;
        assert_eq!((gzip, brotli), (gz.len() as u64, br.len() as u64));
        assert!(gzip <= gzip_best(&dir.join("app.js"))?);
        // Without copies: gzip -9 for both.
        let (gzip, brotli) = sent_sizes(&dir.join("notes.txt"))?;
        assert_eq!(gzip, brotli);
        assert_eq!(gzip, gzip_best(&dir.join("notes.txt"))?);
        std::fs::remove_dir_all(&dir)?;
        Ok(())
    }
}
