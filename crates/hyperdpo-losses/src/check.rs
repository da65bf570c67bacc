//! Argument validation shared by every loss: shapes, devices, kinds, finite values.

use crate::{Error, Result};
use tch::{Device, Kind, Tensor};

/// Sizes and placement of a validated batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Dims {
    pub b: i64,
    pub m: i64,
    pub n: i64,
    pub device: Device,
    pub kind: Kind,
}

pub(crate) fn float_kind(name: &'static str, t: &Tensor) -> Result<Kind> {
    match t.kind() {
        k @ (Kind::Float | Kind::Double | Kind::Half | Kind::BFloat16) => Ok(k),
        got => Err(Error::Kind {
            name,
            expected: "a floating-point kind (f32, f64, f16, bf16)".into(),
            got,
        }),
    }
}

pub(crate) fn same_place(
    name: &'static str,
    t: &Tensor,
    device: Device,
    kind: Option<Kind>,
) -> Result<()> {
    if t.device() != device {
        return Err(Error::Device {
            name,
            expected: device,
            got: t.device(),
        });
    }
    if let Some(k) = kind {
        if t.kind() != k {
            return Err(Error::Kind {
                name,
                expected: format!("{k:?} (the policy scores' kind)"),
                got: t.kind(),
            });
        }
    }
    Ok(())
}

pub(crate) fn shape(name: &'static str, t: &Tensor, want: &[i64], pretty: &str) -> Result<()> {
    if t.size() != want {
        return Err(Error::Shape {
            name,
            expected: format!("{pretty} = {want:?}"),
            got: t.size(),
        });
    }
    Ok(())
}

/// First index of a non-finite entry, if any (one device→host sync of a bool).
pub(crate) fn finite(name: &'static str, t: &Tensor) -> Result<()> {
    let bad = t.isfinite().logical_not();
    if bad.any().int64_value(&[]) != 0 {
        let idx = bad.nonzero().get(0);
        let index: Vec<i64> = Vec::<i64>::try_from(idx.to_device(Device::Cpu)).unwrap_or_default();
        return Err(Error::NonFinite { name, index });
    }
    Ok(())
}

pub(crate) fn temperatures(beta: &[f64]) -> Result<()> {
    for (index, &value) in beta.iter().enumerate() {
        if !(value.is_finite() && value > 0.0) {
            return Err(Error::Temperature { index, value });
        }
    }
    Ok(())
}

/// Checks the four tensors of a batch of padded lists and returns their sizes.
pub(crate) fn lists(
    policy: &Tensor,
    base: &Tensor,
    labels: &Tensor,
    mask: &Tensor,
) -> Result<Dims> {
    let kind = float_kind("policy", policy)?;
    let device = policy.device();
    let ps = policy.size();
    if ps.len() != 2 {
        return Err(Error::Shape {
            name: "policy",
            expected: "[B, n]".into(),
            got: ps,
        });
    }
    let (b, n) = (ps[0], ps[1]);
    same_place("base", base, device, Some(kind))?;
    shape("base", base, &[b, n], "[B, n]")?;
    same_place("labels", labels, device, None)?;
    float_kind("labels", labels)?;
    let ls = labels.size();
    if ls.len() != 3 || ls[0] != b || ls[2] != n || ls[1] < 1 {
        return Err(Error::Shape {
            name: "labels",
            expected: format!("[B, m, n] = [{b}, m ≥ 1, {n}]"),
            got: ls,
        });
    }
    same_place("mask", mask, device, Some(Kind::Bool))?;
    shape("mask", mask, &[b, n], "[B, n]")?;
    Ok(Dims {
        b,
        m: ls[1],
        n,
        device,
        kind,
    })
}
