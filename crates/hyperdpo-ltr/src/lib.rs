//! # hyperdpo-ltr — the learning-to-rank task
//!
//! Data, metric and models of the paper's learning-to-rank experiment (section 4.1, Table 1,
//! Appendix B.2 and C): LETOR/MSLR and LightGBM-style data loading, NDCG@k (section 4.1), padded
//! batching, and listwise transformer scorers — the base model `s_base`, the
//! importance-conditioned scorer `s_θ(·, w)` (section 3.3), the temperature-conditioned scorer
//! `s_θ(·, w, β̄)` (eq. 23) and the augmentation network (Appendix B.2.3).
