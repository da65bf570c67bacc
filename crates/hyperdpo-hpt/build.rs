fn main() {
    hyperdpo_build::link_libtorch();
}
