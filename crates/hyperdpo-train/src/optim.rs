//! AdamW with explicit, checkpointable state, global-norm gradient clipping and learning-rate
//! schedules. (tch's optimiser keeps its moments inside libtorch, where a checkpoint cannot reach
//! them; resuming a run exactly needs them.)

use crate::config::Schedule;
use tch::{nn, Kind, Tensor};

/// AdamW over the trainable variables of a VarStore, in name order.
#[derive(Debug)]
pub struct Adam {
    names: Vec<String>,
    vars: Vec<Tensor>,
    m: Vec<Tensor>,
    v: Vec<Tensor>,
    /// Steps taken.
    pub step: i64,
    weight_decay: f64,
}

const B1: f64 = 0.9;
const B2: f64 = 0.999;
const EPS: f64 = 1e-8;

impl Adam {
    /// A fresh optimiser for `vs`'s trainable variables.
    ///
    /// ```
    /// use hyperdpo_train::optim::Adam;
    /// use tch::{nn, Device, Kind, Tensor};
    /// let vs = nn::VarStore::new(Device::Cpu);
    /// let x = vs.root().var("x", &[1], nn::Init::Const(3.0));
    /// let mut opt = Adam::new(&vs, 0.0);
    /// for _ in 0..200 {
    ///     opt.zero_grad();
    ///     x.square().sum(Kind::Float).backward();
    ///     opt.step(0.05);
    /// }
    /// assert!(x.double_value(&[0]).abs() < 0.05);
    /// ```
    pub fn new(vs: &nn::VarStore, weight_decay: f64) -> Self {
        let mut named: Vec<(String, Tensor)> = vs
            .variables()
            .into_iter()
            .filter(|(_, t)| t.requires_grad())
            .collect();
        named.sort_by(|a, b| a.0.cmp(&b.0));
        let (names, vars): (Vec<String>, Vec<Tensor>) = named.into_iter().unzip();
        let m = vars.iter().map(Tensor::zeros_like).collect();
        let v = vars.iter().map(Tensor::zeros_like).collect();
        Adam {
            names,
            vars,
            m,
            v,
            step: 0,
            weight_decay,
        }
    }

    /// Clears the gradients.
    ///
    /// ```
    /// # use hyperdpo_train::optim::Adam;
    /// let vs = tch::nn::VarStore::new(tch::Device::Cpu);
    /// Adam::new(&vs, 0.0).zero_grad();
    /// ```
    pub fn zero_grad(&mut self) {
        for v in &mut self.vars {
            v.zero_grad();
        }
    }

    /// Scales gradients so that their global L2 norm is at most `max` (no-op for `max = 0`);
    /// returns the norm before clipping.
    ///
    /// ```
    /// # use hyperdpo_train::optim::Adam;
    /// use tch::{nn, Device, Kind};
    /// let vs = nn::VarStore::new(Device::Cpu);
    /// let x = vs.root().var("x", &[2], nn::Init::Const(1.0));
    /// let opt = Adam::new(&vs, 0.0);
    /// (&x * 10.0).sum(Kind::Float).backward();
    /// let n = opt.clip_grad_norm(1.0);
    /// assert!((n - 200f64.sqrt()).abs() < 1e-4);
    /// assert!((x.grad().norm().double_value(&[]) - 1.0).abs() < 1e-5);
    /// ```
    pub fn clip_grad_norm(&self, max: f64) -> f64 {
        let grads: Vec<Tensor> = self
            .vars
            .iter()
            .map(Tensor::grad)
            .filter(Tensor::defined)
            .collect();
        if grads.is_empty() {
            return 0.0;
        }
        let total = Tensor::stack(
            &grads
                .iter()
                .map(|g| g.square().sum(Kind::Double))
                .collect::<Vec<_>>(),
            0,
        )
        .sum(Kind::Double)
        .sqrt()
        .double_value(&[]);
        if max > 0.0 && total > max {
            let scale = max / (total + 1e-12);
            tch::no_grad(|| {
                for mut g in grads {
                    let _ = g.f_mul_scalar_(scale);
                }
            });
        }
        total
    }

    /// One AdamW update with learning rate `lr`.
    ///
    /// ```
    /// # use hyperdpo_train::optim::Adam;
    /// let vs = tch::nn::VarStore::new(tch::Device::Cpu);
    /// let mut opt = Adam::new(&vs, 0.0);
    /// opt.step(0.1);
    /// assert_eq!(opt.step, 1);
    /// ```
    pub fn step(&mut self, lr: f64) {
        self.step += 1;
        let t = self.step as i32;
        let (c1, c2) = (1.0 - B1.powi(t), 1.0 - B2.powi(t));
        tch::no_grad(|| {
            for ((p, m), v) in self.vars.iter_mut().zip(&mut self.m).zip(&mut self.v) {
                let g = p.grad();
                if !g.defined() {
                    continue;
                }
                m.copy_(&(&*m * B1 + &g * (1.0 - B1)));
                v.copy_(&(&*v * B2 + g.square() * (1.0 - B2)));
                let update = (&*m / c1) / ((&*v / c2).sqrt() + EPS);
                let decayed = &*p * (1.0 - lr * self.weight_decay);
                p.copy_(&(decayed - update * lr));
            }
        });
    }

    /// The optimiser state as named tensors (for checkpoints).
    ///
    /// ```
    /// # use hyperdpo_train::optim::Adam;
    /// use tch::nn;
    /// let vs = nn::VarStore::new(tch::Device::Cpu);
    /// let _x = vs.root().var("x", &[2], nn::Init::Const(1.0));
    /// let names: Vec<String> = Adam::new(&vs, 0.0).state().into_iter().map(|(n, _)| n).collect();
    /// assert_eq!(names, vec!["adam.m.x", "adam.v.x", "adam.step"]);
    /// ```
    pub fn state(&self) -> Vec<(String, Tensor)> {
        let mut out = Vec::new();
        for (n, (m, v)) in self.names.iter().zip(self.m.iter().zip(&self.v)) {
            out.push((format!("adam.m.{n}"), m.shallow_clone()));
            out.push((format!("adam.v.{n}"), v.shallow_clone()));
        }
        out.push(("adam.step".into(), Tensor::from_slice(&[self.step])));
        out
    }

    /// Restores state written by [`Adam::state`]; returns `false` (changing nothing) if a tensor
    /// is missing or has another shape.
    ///
    /// ```
    /// # use hyperdpo_train::optim::Adam;
    /// use tch::nn;
    /// let vs = nn::VarStore::new(tch::Device::Cpu);
    /// let _x = vs.root().var("x", &[2], nn::Init::Const(1.0));
    /// let mut a = Adam::new(&vs, 0.0);
    /// a.step = 5;
    /// let saved = a.state();
    /// let mut b = Adam::new(&vs, 0.0);
    /// assert!(b.load_state(&saved.into_iter().collect()));
    /// assert_eq!(b.step, 5);
    /// ```
    pub fn load_state(&mut self, state: &std::collections::HashMap<String, Tensor>) -> bool {
        let ok = self.names.iter().zip(&self.m).all(|(n, m)| {
            [format!("adam.m.{n}"), format!("adam.v.{n}")]
                .iter()
                .all(|k| state.get(k).is_some_and(|t| t.size() == m.size()))
        }) && state.contains_key("adam.step");
        if !ok {
            return false;
        }
        tch::no_grad(|| {
            for (n, (m, v)) in self
                .names
                .iter()
                .zip(self.m.iter_mut().zip(self.v.iter_mut()))
            {
                m.copy_(&state[&format!("adam.m.{n}")]);
                v.copy_(&state[&format!("adam.v.{n}")]);
            }
        });
        self.step = state["adam.step"].int64_value(&[0]);
        true
    }
}

/// Learning rate at `epoch` of `epochs` under a schedule.
///
/// ```
/// use hyperdpo_train::config::Schedule;
/// use hyperdpo_train::optim::lr_at;
/// assert_eq!(lr_at(Schedule::Constant, 0.1, 5, 10), 0.1);
/// assert!((lr_at(Schedule::Cosine, 0.1, 0, 10) - 0.1).abs() < 1e-12);
/// assert!((lr_at(Schedule::Step { every: 2, gamma: 0.5 }, 0.1, 4, 10) - 0.025).abs() < 1e-12);
/// ```
pub fn lr_at(schedule: Schedule, lr: f64, epoch: usize, epochs: usize) -> f64 {
    match schedule {
        Schedule::Constant => lr,
        Schedule::Cosine => {
            let t = epoch as f64 / epochs.max(1) as f64;
            // never exactly 0: the last epoch still learns a little
            lr * (0.05 + 0.95 * 0.5 * (1.0 + (std::f64::consts::PI * t).cos()))
        }
        Schedule::Step { every, gamma } => lr * gamma.powi((epoch / every.max(1)) as i32),
    }
}
