//! Run reports: JSON (everything), CSV (one row per method and weight) and SVG plots of the
//! fronts (the paper's Figure 2; temperature sweeps as in Figures 10–12). Files are written
//! atomically (temporary file + rename).

use crate::methods::MethodResult;
use crate::task::Evaluation;
use crate::{Error, Result};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

/// Writes `bytes` to `path` through a temporary file in the same directory and a rename.
///
/// ```
/// let p = std::env::temp_dir().join(format!("atomic_{}.txt", std::process::id()));
/// hyperdpo_train::report::write_atomically(&p, b"hello").unwrap();
/// assert_eq!(std::fs::read(&p).unwrap(), b"hello");
/// std::fs::remove_file(&p).unwrap();
/// ```
///
/// # Errors
/// [`Error::Io`] naming the file.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.tmp.{}", std::process::id()));
    let res = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if res.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    res.map_err(|e| Error::io(path, e))
}

/// Fronts of one model at several temperatures (post-training control, Figures 10–12).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TemperatureSweep {
    /// Label, e.g. `c = 2` or `β = (1, 0.7)`.
    pub label: String,
    /// Temperatures.
    pub beta: Vec<f64>,
    /// Front (`K × m`).
    pub front: Vec<Vec<f64>>,
    /// Main-objective score per point.
    pub main: Vec<f64>,
    /// Hypervolume of the front.
    pub hv: f64,
}

/// Everything a run produced.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Report {
    /// Data set description.
    pub data: String,
    /// Objective names.
    pub objectives: Vec<String>,
    /// What the front's axes measure, e.g. `NDCG@10` or `cross-entropy error (lower is better)`.
    #[serde(default)]
    pub metric: String,
    /// The configuration (every hyperparameter and seed).
    pub config: crate::config::TrainConfig,
    /// The base model on the test split.
    pub base: Evaluation,
    /// Seconds to train the base model (shared by every method, not counted in their times).
    pub base_seconds: f64,
    /// One entry per method.
    pub methods: Vec<MethodResult>,
    /// Post-training temperature control sweeps of the HyperDPO model.
    pub temperature_sweeps: Vec<TemperatureSweep>,
}

impl Report {
    /// The Table 1-style text table.
    ///
    /// ```
    /// # use hyperdpo_train::report::Report;
    /// let r: Report = serde_json::from_str(r#"{"data":"x","objectives":["a","b"],"config":{},"base":{"aux":[0.1,0.2],"main":0.4},"base_seconds":1.0,"methods":[],"temperature_sweeps":[]}"#).unwrap();
    /// assert!(r.table().starts_with("| method |"));
    /// ```
    pub fn table(&self) -> String {
        let mut s = String::from("| method | aux HV | main NDCG mean (± std) | training time (s) | models | parameters |\n|---|---|---|---|---|---|\n");
        for m in &self.methods {
            let _ = writeln!(
                s,
                "| {} | {:.4e} | {:.4} (± {:.4}) | {:.1} | {} | {} |",
                m.method, m.hv, m.main_mean, m.main_std, m.seconds, m.models, m.parameters
            );
        }
        s
    }

    /// Writes `report.json`, `fronts.csv`, `fronts.svg` (objectives `a` and `b`) and, when
    /// there are sweeps, `temperature.svg` into `dir`.
    ///
    /// # Errors
    /// [`Error::Io`].
    pub fn write(&self, dir: &Path, a: usize, b: usize) -> Result<()> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let json =
            serde_json::to_vec_pretty(self).map_err(|e| Error::config("report", e.to_string()))?;
        write_atomically(&dir.join("report.json"), &json)?;
        write_atomically(&dir.join("fronts.csv"), self.csv().as_bytes())?;
        let series: Vec<Series> = self
            .methods
            .iter()
            .map(|m| Series {
                label: format!(
                    "{} (HV {:.3e}, main {:.3}±{:.3})",
                    m.method, m.hv, m.main_mean, m.main_std
                ),
                points: m.front.iter().map(|p| (p[a], p[b])).collect(),
            })
            .collect();
        let title = format!(
            "Pareto fronts on the test split: {} vs {}",
            self.objectives[a], self.objectives[b]
        );
        let axis = |o: &str| {
            if self.metric.is_empty() {
                o.to_string()
            } else {
                format!("{}: {o}", self.metric)
            }
        };
        let (xa, ya) = (axis(&self.objectives[a]), axis(&self.objectives[b]));
        write_atomically(
            &dir.join("fronts.svg"),
            svg_plot(&title, &xa, &ya, &series).as_bytes(),
        )?;
        if !self.temperature_sweeps.is_empty() {
            let series: Vec<Series> = self
                .temperature_sweeps
                .iter()
                .map(|t| Series {
                    label: format!(
                        "{} (HV {:.3e}, main {:.3})",
                        t.label,
                        t.hv,
                        t.main.iter().sum::<f64>() / t.main.len().max(1) as f64
                    ),
                    points: t.front.iter().map(|p| (p[a], p[b])).collect(),
                })
                .collect();
            let title = "HyperDPO post-training temperature control (test split)";
            write_atomically(
                &dir.join("temperature.svg"),
                svg_plot(title, &xa, &ya, &series).as_bytes(),
            )?;
        }
        Ok(())
    }

    /// One CSV row per method and evaluation weight.
    ///
    /// ```
    /// # use hyperdpo_train::report::Report;
    /// let r: Report = serde_json::from_str(r#"{"data":"x","objectives":["a","b"],"config":{},"base":{"aux":[0.1,0.2],"main":0.4},"base_seconds":1.0,"methods":[],"temperature_sweeps":[]}"#).unwrap();
    /// assert_eq!(r.csv().lines().next().unwrap(), "method,point,w_a,w_b,score_a,score_b,main,hv,seconds,parameters");
    /// ```
    pub fn csv(&self) -> String {
        let mut s = String::from("method,point");
        for o in &self.objectives {
            let _ = write!(s, ",w_{}", csv_name(o));
        }
        for o in &self.objectives {
            let _ = write!(s, ",score_{}", csv_name(o));
        }
        s.push_str(",main,hv,seconds,parameters\n");
        for m in &self.methods {
            for (i, (w, f)) in m.weights.iter().zip(&m.front).enumerate() {
                let _ = write!(s, "{},{i}", m.method);
                for v in w.iter().chain(f) {
                    let _ = write!(s, ",{v}");
                }
                let _ = writeln!(s, ",{},{},{},{}", m.main[i], m.hv, m.seconds, m.parameters);
            }
        }
        s
    }
}

fn csv_name(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

struct Series {
    label: String,
    points: Vec<(f64, f64)>,
}

const COLORS: [&str; 8] = [
    "#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf",
];

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A scatter-and-line plot of fronts as a standalone SVG.
fn svg_plot(title: &str, xlabel: &str, ylabel: &str, series: &[Series]) -> String {
    let (w, h, l, r, t, b) = (760.0, 560.0, 80.0, 20.0, 50.0, 170.0);
    let all: Vec<(f64, f64)> = series
        .iter()
        .flat_map(|s| s.points.iter().copied())
        .filter(|p| p.0.is_finite() && p.1.is_finite())
        .collect();
    let (mut x0, mut x1, mut y0, mut y1) = all.iter().fold(
        (
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ),
        |a, p| (a.0.min(p.0), a.1.max(p.0), a.2.min(p.1), a.3.max(p.1)),
    );
    if !x0.is_finite() {
        (x0, x1, y0, y1) = (0.0, 1.0, 0.0, 1.0);
    }
    let pad = |lo: f64, hi: f64| {
        let d = (hi - lo).max(1e-6) * 0.08;
        (lo - d, hi + d)
    };
    let ((x0, x1), (y0, y1)) = (pad(x0, x1), pad(y0, y1));
    let px = |x: f64| l + (x - x0) / (x1 - x0) * (w - l - r);
    let py = |y: f64| t + (1.0 - (y - y0) / (y1 - y0)) * (h - t - b);
    let mut s = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="12"><rect width="100%" height="100%" fill="white"/>"#
    );
    let _ = write!(
        s,
        r#"<text x="{}" y="25" text-anchor="middle" font-size="15">{}</text>"#,
        w / 2.0,
        esc(title)
    );
    let _ = write!(
        s,
        r#"<rect x="{l}" y="{t}" width="{}" height="{}" fill="none" stroke="black"/>"#,
        w - l - r,
        h - t - b
    );
    for i in 0..=5 {
        let fx = x0 + (x1 - x0) * i as f64 / 5.0;
        let fy = y0 + (y1 - y0) * i as f64 / 5.0;
        let _ = write!(
            s,
            r##"<line x1="{0}" y1="{1}" x2="{0}" y2="{2}" stroke="#ddd"/><text x="{0}" y="{3}" text-anchor="middle">{4:.3}</text>"##,
            px(fx),
            t,
            h - b,
            h - b + 16.0,
            fx
        );
        let _ = write!(
            s,
            r##"<line x1="{1}" y1="{0}" x2="{2}" y2="{0}" stroke="#ddd"/><text x="{3}" y="{4}" text-anchor="end">{5:.3}</text>"##,
            py(fy),
            l,
            w - r,
            l - 6.0,
            py(fy) + 4.0,
            fy
        );
    }
    let _ = write!(
        s,
        r#"<text x="{}" y="{}" text-anchor="middle">{}</text>"#,
        (l + w - r) / 2.0,
        h - b + 36.0,
        esc(xlabel)
    );
    let _ = write!(
        s,
        r#"<text transform="translate(18,{}) rotate(-90)" text-anchor="middle">{}</text>"#,
        (t + h - b) / 2.0,
        esc(ylabel)
    );
    for (k, se) in series.iter().enumerate() {
        let c = COLORS[k % COLORS.len()];
        let mut pts = se.points.clone();
        pts.sort_by(|a, b| a.0.total_cmp(&b.0));
        let path: Vec<String> = pts
            .iter()
            .map(|p| format!("{:.2},{:.2}", px(p.0), py(p.1)))
            .collect();
        let _ = write!(
            s,
            r#"<polyline points="{}" fill="none" stroke="{c}" stroke-width="1.5" opacity="0.8"/>"#,
            path.join(" ")
        );
        for p in &pts {
            let _ = write!(
                s,
                r#"<circle cx="{:.2}" cy="{:.2}" r="3.5" fill="{c}"/>"#,
                px(p.0),
                py(p.1)
            );
        }
        let ly = h - b + 56.0 + 18.0 * k as f64;
        let _ = write!(
            s,
            r#"<circle cx="{}" cy="{}" r="4" fill="{c}"/><text x="{}" y="{}">{}</text>"#,
            l + 6.0,
            ly - 4.0,
            l + 16.0,
            ly,
            esc(&se.label)
        );
    }
    s.push_str("</svg>\n");
    s
}
