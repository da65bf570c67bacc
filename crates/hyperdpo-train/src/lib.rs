//! # hyperdpo-train — one-shot HyperDPO training and evaluation
//!
//! The task-agnostic trainer: Algorithm 1 (ICOS, `w ~ Dir(α)` each step, eq. 14), Algorithm 2
//! (TCOS, temperature-conditioned, eq. 23), the baselines of Appendix B.1 (DPO-LS, DPO Soup,
//! MO-DPO), Pareto-front evaluation by hypervolume, post-training control (eq. 15) and the
//! ablations of Appendix B.2.
