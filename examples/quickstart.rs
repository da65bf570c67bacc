//! Proves libtorch works end to end: prints the device, then fits `w` in `y = w·x` with a few
//! autograd steps of plain gradient descent and prints the loss going down.
//!
//! ```text
//! cargo run --release --example quickstart
//! ```

use hyperdpo::tch::{self, Device, Kind, Tensor};

fn main() {
    let device = Device::cuda_if_available();
    println!("hyperdpo quickstart");
    println!(
        "  libtorch device : {device:?} (CUDA available: {})",
        tch::Cuda::is_available()
    );
    println!("  CPU threads     : {}", tch::get_num_threads());

    tch::manual_seed(0);
    let x = Tensor::randn([256, 3], (Kind::Float, device));
    let true_w = Tensor::from_slice(&[1.5f32, -2.0, 0.5]).to_device(device);
    let y = x.matmul(&true_w);
    let mut w = Tensor::zeros([3], (Kind::Float, device)).set_requires_grad(true);
    let lr = 0.05;
    for step in 0..=20 {
        let loss = (x.matmul(&w) - &y).square().mean(Kind::Float);
        if step % 5 == 0 {
            println!("  step {step:>2}: loss {:.6}", loss.double_value(&[]));
        }
        w.zero_grad();
        loss.backward();
        tch::no_grad(|| {
            let _ = w.f_sub_(&(w.grad() * lr)).expect("in-place update");
        });
    }
    let learned: Vec<f32> = Vec::try_from(w.detach().to_device(Device::Cpu)).expect("1-D tensor");
    println!("  learned w       : {learned:?} (true: [1.5, -2.0, 0.5])");
}
