//! Padded batches of lists as tensors (shapes of `docs/ARCHITECTURE.md`), bucketing by length and
//! a cap on list length for training.

use crate::task::MoftData;
use crate::{Error, Result};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use tch::{Device, Kind, Tensor};

/// A batch of `B` padded lists.
#[derive(Debug)]
pub struct Batch {
    /// Inputs `[B, n, d]` (0 on padding).
    pub features: Tensor,
    /// Main-objective labels `[B, n]`.
    pub main: Tensor,
    /// Auxiliary labels `[B, m, n]`.
    pub labels: Tensor,
    /// Real items `[B, n]` (bool).
    pub mask: Tensor,
    /// The queries in the batch (indices into the task).
    pub queries: Vec<usize>,
}

/// Builds batches from a task's host memory; only the batch's own documents are copied, once,
/// straight to the target device.
#[derive(Debug, Clone)]
pub struct Batcher<'a> {
    data: &'a MoftData,
    /// Device of the batches.
    pub device: Device,
    /// Float kind of features and labels.
    pub kind: Kind,
    /// Longest list in a training batch: longer lists are randomly subsampled (`None` = no cap).
    pub max_len: Option<usize>,
}

impl<'a> Batcher<'a> {
    /// A batcher for `data` on `device`, f32, no length cap.
    ///
    /// ```
    /// use hyperdpo_ltr::batch::Batcher;
    /// use hyperdpo_ltr::synthetic::SyntheticConfig;
    /// let task = SyntheticConfig { queries: 4, min_docs: 3, max_docs: 5, ..Default::default() }.generate_task(2).unwrap();
    /// let b = Batcher::new(&task, tch::Device::Cpu).batch(&[0, 1, 2], None).unwrap();
    /// let n = b.mask.size()[1];
    /// assert_eq!(b.features.size(), vec![3, n, 131]);
    /// assert_eq!(b.labels.size(), vec![3, 2, n]);
    /// ```
    pub fn new(data: &'a MoftData, device: Device) -> Self {
        Batcher {
            data,
            device,
            kind: Kind::Float,
            max_len: None,
        }
    }

    /// The batch of the given queries, padded to the longest (after the cap, if `rng` is given:
    /// lists longer than `max_len` keep a random subset of `max_len` items in their order).
    ///
    /// ```
    /// # use hyperdpo_ltr::batch::Batcher;
    /// # use hyperdpo_ltr::synthetic::SyntheticConfig;
    /// use rand::SeedableRng;
    /// let task = SyntheticConfig { queries: 2, min_docs: 10, max_docs: 10, ..Default::default() }.generate_task(1).unwrap();
    /// let mut batcher = Batcher::new(&task, tch::Device::Cpu);
    /// batcher.max_len = Some(4);
    /// let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    /// let b = batcher.batch(&[0, 1], Some(&mut rng)).unwrap();
    /// assert_eq!(b.mask.size(), vec![2, 4]);
    /// ```
    ///
    /// # Errors
    /// [`Error::Invalid`] for an empty batch or a query index out of range.
    pub fn batch(&self, queries: &[usize], mut rng: Option<&mut StdRng>) -> Result<Batch> {
        let data = self.data;
        let nq = data.num_queries();
        if queries.is_empty() {
            return Err(Error::Invalid {
                name: "queries",
                reason: "a batch needs at least one query".into(),
            });
        }
        if let Some(&q) = queries.iter().find(|&&q| q >= nq) {
            return Err(Error::Invalid {
                name: "queries",
                reason: format!("query {q} does not exist (the task has {nq})"),
            });
        }
        let docs: Vec<Vec<usize>> = queries
            .iter()
            .map(|&q| {
                let mut r: Vec<usize> = data.query(q).collect();
                if let (Some(cap), Some(rng)) = (self.max_len, rng.as_deref_mut()) {
                    if r.len() > cap {
                        r.shuffle(rng);
                        r.truncate(cap);
                        r.sort_unstable();
                    }
                }
                r
            })
            .collect();
        let (b, n, d, m) = (
            queries.len(),
            docs.iter().map(Vec::len).max().unwrap_or(0),
            data.dim,
            data.m(),
        );
        let mut x = vec![0f32; b * n * d];
        let mut main = vec![0f32; b * n];
        let mut z = vec![0f32; b * m * n];
        let mut mask = vec![false; b * n];
        for (i, list) in docs.iter().enumerate() {
            for (j, &doc) in list.iter().enumerate() {
                x[(i * n + j) * d..(i * n + j + 1) * d]
                    .copy_from_slice(&data.inputs[doc * d..(doc + 1) * d]);
                main[i * n + j] = data.main[doc];
                for k in 0..m {
                    z[(i * m + k) * n + j] = data.objectives[doc * m + k];
                }
                mask[i * n + j] = true;
            }
        }
        let to = |v: &[f32], shape: &[i64]| {
            Tensor::from_slice(v)
                .view(shape)
                .to_kind(self.kind)
                .to_device(self.device)
        };
        let (bi, ni, di, mi) = (b as i64, n as i64, d as i64, m as i64);
        Ok(Batch {
            features: to(&x, &[bi, ni, di]),
            main: to(&main, &[bi, ni]),
            labels: to(&z, &[bi, mi, ni]),
            mask: Tensor::from_slice(&mask)
                .view([bi, ni])
                .to_device(self.device),
            queries: queries.to_vec(),
        })
    }

    /// The batches of one epoch: queries shuffled (seeded), then — with `bucket` — grouped so that
    /// each batch holds lists of similar length (less padding), and the batches shuffled again.
    ///
    /// ```
    /// # use hyperdpo_ltr::batch::Batcher;
    /// # use hyperdpo_ltr::synthetic::SyntheticConfig;
    /// let task = SyntheticConfig { queries: 10, ..Default::default() }.generate_task(1).unwrap();
    /// let plan = Batcher::new(&task, tch::Device::Cpu).epoch(4, true, 7);
    /// assert_eq!(plan.iter().map(Vec::len).sum::<usize>(), 10);
    /// assert_eq!(plan, Batcher::new(&task, tch::Device::Cpu).epoch(4, true, 7));
    /// ```
    pub fn epoch(&self, batch_size: usize, bucket: bool, seed: u64) -> Vec<Vec<usize>> {
        let mut rng = StdRng::seed_from_u64(seed);
        let mut order: Vec<usize> = (0..self.data.num_queries()).collect();
        order.shuffle(&mut rng);
        let bs = batch_size.max(1);
        if bucket {
            // sort by length inside windows of 50 batches, so batches stay random across windows
            let len = |q: usize| self.data.query(q).len();
            for w in order.chunks_mut(bs * 50) {
                w.sort_by_key(|&q| len(q));
            }
        }
        let mut batches: Vec<Vec<usize>> = order.chunks(bs).map(<[usize]>::to_vec).collect();
        batches.shuffle(&mut rng);
        batches
    }
}
