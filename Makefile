# Two commands do everything, libtorch included (see README.md):
#   make demo   – provision libtorch if needed, then run the main example
#   make test   – provision libtorch if needed, then run the whole test suite
.PHONY: demo test libtorch lint doc ci

libtorch:
	@./scripts/libtorch.sh

demo: libtorch
	cargo run --release --example ltr_pareto

test: libtorch
	cargo test --workspace

lint: libtorch
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings

doc: libtorch
	RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps

ci:
	bash .ci/run
