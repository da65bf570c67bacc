//! Writes the seeded benchmark fronts (points on the unit sphere, minimised, reference 1.1)
//! as `hv`-format text files, so that peers (moocore, pygmo) and our `hv` binary read the very
//! same data. Used by `benches/peers/hv_peers.py`.
//!
//! ```text
//! cargo run --release --example write_fronts -- [OUT_DIR]   # default: target/fronts
//! ```

#[path = "../benches/hv_data.rs"]
mod hv_data;
use hv_data::{CASES, SEED};

use hyperdpo::moo::fronts::sphere_front;
use std::io::Write;

fn main() -> std::io::Result<()> {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "target/fronts".into());
    std::fs::create_dir_all(&dir)?;
    for &(d, n) in CASES {
        let f = sphere_front(n, d, SEED).expect("d > 0");
        let path = format!("{dir}/sphere_{d}d_{n}.txt");
        let tmp = format!("{path}.tmp");
        let mut w = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
        for row in f.chunks_exact(d) {
            let line: Vec<String> = row.iter().map(|v| format!("{v:?}")).collect();
            writeln!(w, "{}", line.join(" "))?;
        }
        w.into_inner()?.sync_all()?;
        std::fs::rename(&tmp, &path)?;
        println!("{path}");
    }
    Ok(())
}
