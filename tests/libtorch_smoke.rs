//! Proves that the workspace links libtorch and loads it at run time: a tensor is created,
//! autograd runs, and the gradient matches its closed form.

use hyperdpo::tch::{Device, Kind, Tensor};

#[test]
fn autograd_gradient_matches_closed_form() {
    // f(x) = Σ (x³ + sin x)  ⇒  ∂f/∂x = 3x² + cos x
    let values = [-1.5f64, -0.25, 0.0, 0.75, 2.0];
    let x = Tensor::from_slice(&values).set_requires_grad(true);
    let f = (x.pow_tensor_scalar(3) + x.sin()).sum(Kind::Double);
    f.backward();
    let grad: Vec<f64> = Vec::try_from(x.grad()).expect("gradient is a 1-D f64 tensor");
    assert_eq!(grad.len(), values.len());
    for (g, v) in grad.iter().zip(values) {
        let expected = 3.0 * v * v + v.cos();
        assert!(
            (g - expected).abs() <= 1e-12 * expected.abs().max(1.0),
            "d/dx at {v}: autograd {g}, closed form {expected}"
        );
    }
}

#[test]
fn cuda_is_used_when_available() {
    // On a machine without a GPU this checks the CPU fallback; with one, that CUDA works
    // (libtorch_cuda is linked with --no-as-needed by hyperdpo-build).
    let device = Device::cuda_if_available();
    let t = Tensor::arange(4, (Kind::Float, device)) * 2.0;
    assert_eq!(t.device(), device);
    let back: Vec<f32> = Vec::try_from(t.to_device(Device::Cpu)).unwrap();
    assert_eq!(back, vec![0.0, 2.0, 4.0, 6.0]);
}
