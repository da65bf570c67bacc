//! Writes the learning-to-rank benchmark inputs to `target/bench-data/` for the Python peers
//! (`benches/peers/ltr_peers.py`): the ≈100 MB LETOR file and the 10 000 NDCG lists.
//!
//! ```text
//! cargo run --release --example write_ltr_bench_data
//! ```

#[path = "../benches/ltr_data.rs"]
mod ltr_data;

fn main() {
    let letor = ltr_data::letor_100mb();
    let lists = ltr_data::dir().join("ndcg_10k.txt");
    ltr_data::write_ndcg_lists(&lists);
    println!("{}\n{}", letor.display(), lists.display());
}
