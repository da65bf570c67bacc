//! # hyperdpo-losses — the HyperDPO objectives on libtorch
//!
//! One implementation, shared by every trainer, baseline and task, of the losses of the paper:
//! label normalisation `t(·)` (eq. 9), the ListNet-DPO loss vector (eq. 10), pairwise DPO (eq. 4),
//! the weighted sum (eq. 12), the cosine penalty (eq. 13), the ICOS loss (eq. 14), MO-DPO
//! (eq. 22, Appendix B.1), post-training temperature control (eq. 15, Proposition 3.1), the
//! temperature-conditioned reparametrisation (eq. 23, Appendix C.2) and the Plackett–Luce
//! likelihood (eq. 8).
//!
//! All functions work on batches of padded lists (see `docs/ARCHITECTURE.md`) and keep tensors
//! on the caller's device.
