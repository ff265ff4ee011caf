//! Writes the man page and the shell completions generated from the CLI into assets/, and
//! docs/messages.md from the table of messages (`cargo run --example gen-assets`); run it after
//! changing a subcommand, an option or a message.

#[path = "../tests/support/generated.rs"]
mod generated;

fn main() -> std::io::Result<()> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for (path, bytes) in generated::files() {
        let path = root.join(path);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(&path, bytes)?;
        println!("wrote {}", path.display());
    }
    Ok(())
}
