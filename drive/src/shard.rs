//! The loop with its conversations sharded across worker threads (`conns --threads N`).
//!
//! The loop's thread reads each frame, decodes it and reassembles IP fragments
//! ([`Analyzer::route_linktype`]: every capture-wide counter is counted there), then hands
//! each TCP segment to the thread that owns its 4-tuple ([`Sharder`]): itself, for a
//! smaller share (it also reads and decodes, [`reader_parts`]), or one of the workers. Each
//! thread holds the conversations of its shard in an analyzer of its own and analyses them
//! in capture order ([`Analyzer::analyse_segment`]); what a conversation's analysis reads is
//! its own frames, so a conversation comes out as it would on one thread.
//!
//! A worker numbers its conversations in its own order. The merge numbers them all by
//! their first frame, which is how one thread numbers them (a frame creates at most one
//! conversation), so stream numbers, and every output built from the tables, are the same
//! whatever the thread count.
//!
//! What sees every conversation at once is not sharded: the diagnosis, the own verdicts'
//! revisions, and the cap. Under a cap ([`Analyzer::with_max_conns`]), the table evicts as
//! a whole, so the workers count the conversations they create together, and a capture that
//! has more than the cap stops the sharded run at once ([`Sharding::OverCap`]): the command
//! reads it again on one thread.
//!
//! The loop's thread batches its own share as well, and so does one thread alone
//! ([`run_batched`]): every analysis prefetches ([`prefetched`]).
//!
//! Segments travel in batches of [`BATCH`], at most [`IN_FLIGHT`] batches ahead of each
//! worker, and emptied batches come back to be refilled: memory stays bounded and nothing
//! is allocated per segment once the batches have grown.

use std::ops::ControlFlow;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;

use tcplens_capture::Source;
use tcplens_core::flow::{Conversation, KeyHash, Prefetch, Sharder};
use tcplens_core::{Analyzer, Counters, Routed, TcpSegment};

use crate::{frames, DriveError, End, Options};

/// Segments per batch.
pub const BATCH: usize = 1024;
/// Batches sent to a worker and not yet analysed, at most.
pub const IN_FLIGHT: usize = 4;

/// How many segments ahead a worker prefetches the index bucket of a segment's
/// conversation, the conversation, and what the conversation holds on the heap
/// (`tcplens_core::prefetch`). A segment costs a few hundred nanoseconds to analyse, about
/// a memory access's latency, so each level has time to arrive before the next reads it.
const PREFETCH_FAR: usize = 8;
const PREFETCH_NEAR: usize = 4;
const PREFETCH_HELD: usize = 2;

/// One TCP segment for a worker, without its payload (the conversation tables read none
/// when the own verdicts are off, which sharding requires).
struct Job {
    frame: u64,
    ts_ns: i64,
    seg: TcpSegment<'static>,
}

/// The share of the conversations the loop's thread analyses itself, in
/// [`Sharder::PARTS`]ths, when `threads` threads run. It balances the threads when
/// decoding costs the loop's thread about 0.4 of what analysing them all costs (as on the
/// benchmark captures, small packets and large, measured with `perf record`): for two
/// threads 19 of 64 parts, for three 4, from four on 1.
pub fn reader_parts(threads: usize) -> usize {
    let n = threads.max(1) as f64;
    let share = (1.0 - (n - 1.0) * 0.4) / n;
    ((share * Sharder::PARTS as f64).round() as usize).max(1)
}

/// How a sharded run ended.
#[derive(Debug)]
pub enum Sharding {
    Done(Sharded),
    /// The capture has more conversations than the cap: the run stopped, to be made again
    /// on one thread, where the cap evicts as it always has.
    OverCap,
}

/// The tables of a sharded run, merged.
#[derive(Debug)]
pub struct Sharded {
    pub end: End,
    /// Each thread's analyzer, holding the conversations of its shard. The first is the
    /// loop thread's, which decoded every frame: its counters are the capture's.
    shards: Vec<Analyzer>,
    /// Every conversation in stream order: (shard, its number in the shard's table).
    order: Vec<(u32, u32)>,
}

impl Sharded {
    pub fn counters(&self) -> &Counters {
        self.shards[0].counters()
    }

    /// The threads the run had.
    pub fn threads(&self) -> usize {
        self.shards.len()
    }

    /// Conversations created (= the next stream number).
    pub fn created(&self) -> u32 {
        self.order.len() as u32
    }

    /// Every conversation with its stream number, in stream order. The conversation's own
    /// `stream` is its shard's number for it: read the number given here.
    pub fn conversations(&self) -> impl Iterator<Item = (u32, &Conversation)> + '_ {
        self.conversations_in(0..self.order.len())
    }

    /// The conversations of streams `range` (clamped to those created), with their stream
    /// numbers, in stream order: to work on parts of the run on threads of their own.
    pub fn conversations_in(
        &self,
        range: std::ops::Range<usize>,
    ) -> impl Iterator<Item = (u32, &Conversation)> + Send + '_ {
        let end = range.end.min(self.order.len());
        let start = range.start.min(end);
        self.order[start..end]
            .iter()
            .zip(start..)
            .filter_map(|(&(shard, local), stream)| {
                let c = self
                    .shards
                    .get(shard as usize)?
                    .conversations()
                    .get(local)?;
                Some((stream as u32, c))
            })
    }

    /// Bytes of analysis state held by all the shards' tables together.
    pub fn state_bytes(&self) -> usize {
        self.shards
            .iter()
            .map(|a| a.conversations().state_bytes())
            .sum()
    }
}

/// A worker's end of its lane.
struct Lane {
    batch: Vec<Job>,
    full: mpsc::SyncSender<Vec<Job>>,
    empty: mpsc::Receiver<Vec<Job>>,
}

impl Lane {
    fn send(&mut self) -> Result<(), DriveError> {
        let next = self
            .empty
            .try_recv()
            .unwrap_or_else(|_| Vec::with_capacity(BATCH));
        let batch = std::mem::replace(&mut self.batch, next);
        // A worker stops early only by a panic, which the join reports.
        self.full.send(batch).map_err(|_| stopped(None))
    }
}

/// One thread's shard: its analyzer, and the first frame of each conversation it created,
/// in its own stream order.
struct Shard {
    analyzer: Analyzer,
    firsts: Vec<u64>,
}

/// What the threads share: the conversations created by all, and whether that went over
/// the cap.
struct Cap<'a> {
    max_conns: usize,
    created: &'a AtomicUsize,
    over: &'a AtomicBool,
}

/// Analyses `batch` in order, prefetching a few segments ahead so that the misses of the
/// next lookups overlap with this one's work; stops when `step` says so. Each segment's key
/// hash is computed once, when its bucket is prefetched [`PREFETCH_FAR`] segments ahead,
/// and kept in a ring for its conversation's prefetch ([`PREFETCH_NEAR`] ahead) and its
/// heap parts' ([`PREFETCH_HELD`] ahead).
fn prefetched<S>(
    state: &mut S,
    analyzer: fn(&S) -> &Analyzer,
    batch: &[Job],
    mut step: impl FnMut(&mut S, &Job, KeyHash) -> bool,
) {
    let mut ring = [KeyHash::default(); PREFETCH_FAR];
    for (i, job) in batch.iter().take(PREFETCH_FAR).enumerate() {
        let a = analyzer(state);
        ring[i] = a.key_hash(&job.seg);
        a.prefetch(ring[i], Prefetch::Bucket);
    }
    for (i, job) in batch.iter().enumerate() {
        let a = analyzer(state);
        let hash = ring[i % PREFETCH_FAR];
        if i + PREFETCH_NEAR < batch.len() {
            a.prefetch(
                ring[(i + PREFETCH_NEAR) % PREFETCH_FAR],
                Prefetch::Conversation,
            );
        }
        if i + PREFETCH_HELD < batch.len() {
            a.prefetch(ring[(i + PREFETCH_HELD) % PREFETCH_FAR], Prefetch::Held);
        }
        if let Some(far) = batch.get(i + PREFETCH_FAR) {
            // Job i's slot: its prefetches are done and its hash taken above.
            let h = a.key_hash(&far.seg);
            ring[i % PREFETCH_FAR] = h;
            a.prefetch(h, Prefetch::Bucket);
        }
        if !step(state, job, hash) {
            return;
        }
    }
}

impl Shard {
    /// Analyses `batch` in order ([`prefetched`]); stops once over the cap.
    fn analyse(&mut self, batch: &[Job], cap: &Cap<'_>) {
        prefetched(
            self,
            |s| &s.analyzer,
            batch,
            |s, job, hash| s.step(job, hash, cap),
        );
    }

    /// Analyses `job`'s segment (of key hash `hash`) in its conversation; false once the
    /// conversations of all the shards together went over the cap.
    #[inline]
    fn step(&mut self, job: &Job, hash: KeyHash, cap: &Cap<'_>) -> bool {
        let frame = job.frame;
        let (rec, _) = self
            .analyzer
            .analyse_hashed(frame as u32, &job.seg, job.ts_ns, hash);
        // Without a cap of its own the table numbers its conversations in order.
        if rec.stream as usize == self.firsts.len() {
            self.firsts.push(frame);
            let total = cap.created.fetch_add(1, Ordering::Relaxed) + 1;
            if cap.max_conns > 0 && total > cap.max_conns {
                cap.over.store(true, Ordering::Relaxed);
                return false;
            }
        }
        true
    }
}

fn worker(
    mut shard: Shard,
    full: mpsc::Receiver<Vec<Job>>,
    empty: mpsc::Sender<Vec<Job>>,
    cap: &Cap<'_>,
) -> Shard {
    for mut batch in full {
        if !cap.over.load(Ordering::Relaxed) {
            shard.analyse(&batch, cap);
        }
        batch.clear();
        // The loop may have ended already; then the batch is not needed.
        let _ = empty.send(batch);
    }
    shard
}

/// Reads `src` with its conversations sharded across `threads` threads (this one and
/// `threads - 1` workers), each with an analyzer `make` returns (with no cap, and neither
/// diagnosing nor judging own verdicts: they are not sharded). `max_conns` is the cap the
/// run must not exceed (0: none).
pub fn run_sharded(
    src: &mut Source,
    threads: usize,
    max_conns: usize,
    opts: Options,
    make: impl Fn() -> Analyzer + Sync,
) -> Result<Sharding, DriveError> {
    let threads = threads.clamp(1, Sharder::PARTS);
    let created = AtomicUsize::new(0);
    let over = AtomicBool::new(false);
    let cap = Cap {
        max_conns,
        created: &created,
        over: &over,
    };
    let mut own = Shard {
        analyzer: make(),
        firsts: Vec::new(),
    };
    let sharder = Sharder::with_first(threads, reader_parts(threads));
    std::thread::scope(|scope| {
        let mut lanes = Vec::with_capacity(threads - 1);
        let mut handles = Vec::with_capacity(threads - 1);
        for i in 1..threads {
            let (full_tx, full_rx) = mpsc::sync_channel::<Vec<Job>>(IN_FLIGHT);
            let (empty_tx, empty_rx) = mpsc::channel::<Vec<Job>>();
            let shard = Shard {
                analyzer: make(),
                firsts: Vec::new(),
            };
            let cap = &cap;
            let handle = std::thread::Builder::new()
                .name(format!("tcplens-shard-{i}"))
                .spawn_scoped(scope, move || worker(shard, full_rx, empty_tx, cap))
                .map_err(|e| stopped(Some(e.to_string())))?;
            handles.push(handle);
            lanes.push(Lane {
                batch: Vec::with_capacity(BATCH),
                full: full_tx,
                empty: empty_rx,
            });
        }
        let mut own_batch: Vec<Job> = Vec::with_capacity(BATCH);
        let result = frames(src, opts, |number, frame| {
            if over.load(Ordering::Relaxed) {
                return Ok(ControlFlow::Break(()));
            }
            let routed = own.analyzer.route_linktype(
                frame.linktype,
                frame.data,
                frame.orig_len,
                frame.ts_ns,
            );
            if let Routed::Segment(seg) = routed {
                match sharder.shard(&seg) {
                    0 => {
                        own_batch.push(Job {
                            frame: number,
                            ts_ns: frame.ts_ns,
                            seg: seg.detached(),
                        });
                        if own_batch.len() >= BATCH {
                            own.analyse(&own_batch, &cap);
                            own_batch.clear();
                        }
                    }
                    i => {
                        let lane = &mut lanes[i - 1];
                        lane.batch.push(Job {
                            frame: number,
                            ts_ns: frame.ts_ns,
                            seg: seg.detached(),
                        });
                        if lane.batch.len() >= BATCH {
                            lane.send()?;
                        }
                    }
                }
            }
            Ok(ControlFlow::Continue(()))
        });
        // The last segments; then the lanes close and the workers end.
        own.analyse(&own_batch, &cap);
        let result = result.and_then(|end| {
            for lane in &mut lanes {
                if !lane.batch.is_empty() {
                    lane.send()?;
                }
            }
            Ok(end)
        });
        drop(lanes);
        let mut shards: Vec<Shard> = Vec::with_capacity(threads);
        shards.push(own);
        let mut failed = None;
        for handle in handles {
            match handle.join() {
                Ok(shard) => shards.push(shard),
                Err(panic) => failed = Some(stopped(panic_message(&panic))),
            }
        }
        if let Some(e) = failed {
            return Err(e);
        }
        let end = result?;
        if over.load(Ordering::Relaxed) {
            return Ok(Sharding::OverCap);
        }
        let mut firsts: Vec<(u64, u32, u32)> = shards
            .iter()
            .enumerate()
            .flat_map(|(shard, s)| {
                s.firsts
                    .iter()
                    .enumerate()
                    .map(move |(local, &frame)| (frame, shard as u32, local as u32))
            })
            .collect();
        // A frame creates at most one conversation: the first frames are distinct.
        firsts.sort_unstable_by_key(|&(frame, _, _)| frame);
        Ok(Sharding::Done(Sharded {
            end,
            shards: shards.into_iter().map(|s| s.analyzer).collect(),
            order: firsts.into_iter().map(|(_, s, l)| (s, l)).collect(),
        }))
    })
}

/// [`crate::run`] for a host that wants nothing of each frame, only the tables at the end
/// (`conns` on one thread, without its diagnosis): the segments wait in batches of
/// `BATCH` and are analysed together, each prefetching the conversations of the segments
/// a few after it (`prefetched`), as the workers of [`run_sharded`] do. The routing
/// reads no conversation, so analysing a batch later than its frames were routed changes
/// nothing; the segments travel without their payload, which the tables read only for the
/// own verdicts, off here.
///
/// Measured on the benchmark captures (`conns --threads 1`, interleaved medians against
/// one segment at a time): the 5 M-packet capture's 100 k live conversations, beyond the
/// caches, 3.72 s to 3.20 s; the small-packet capture's 26 k, 0.53 s to 0.50 s, though
/// its instructions grow by 6 %.
pub fn run_batched(
    src: &mut Source,
    analyzer: &mut Analyzer,
    opts: Options,
) -> Result<End, DriveError> {
    let mut batch: Vec<Job> = Vec::with_capacity(BATCH);
    let analyse = |analyzer: &mut Analyzer, batch: &mut Vec<Job>| {
        prefetched(
            analyzer,
            |a| a,
            batch,
            |a, job, hash| {
                a.analyse_hashed(job.frame as u32, &job.seg, job.ts_ns, hash);
                true
            },
        );
        batch.clear();
    };
    let end = frames(src, opts, |number, frame| {
        let routed =
            analyzer.route_linktype(frame.linktype, frame.data, frame.orig_len, frame.ts_ns);
        if let Routed::Segment(seg) = routed {
            batch.push(Job {
                frame: number,
                ts_ns: frame.ts_ns,
                seg: seg.detached(),
            });
            if batch.len() >= BATCH {
                analyse(analyzer, &mut batch);
            }
        }
        Ok(ControlFlow::Continue(()))
    });
    // The segments routed before the end (or the break) are analysed whatever it was.
    analyse(analyzer, &mut batch);
    end
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> Option<String> {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
}

fn stopped(why: Option<String>) -> DriveError {
    DriveError::Worker(why.unwrap_or_else(|| "it stopped".into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tcplens_core::synth::{PcapWriter, SegBuilder};

    /// A pcap file of `segs` as Ethernet frames, 1 ms apart.
    fn pcap(segs: &[SegBuilder]) -> tempfile::NamedTempFile {
        let mut w = PcapWriter::new(1, 65535);
        for (i, s) in segs.iter().enumerate() {
            w.push(1_000_000 + i as u64 * 1000, &s.ethernet());
        }
        let f = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(f.path(), w.into_bytes()).unwrap();
        f
    }

    fn conversations(n: u32) -> Vec<SegBuilder> {
        let mut segs = Vec::new();
        for i in 0..n {
            let c = format!("10.0.{}.{}:{}", i / 200, i % 200 + 1, 40000 + i);
            segs.push(SegBuilder::v4(&c, "10.9.9.9:80").flags("S").seq(i));
        }
        for i in (0..n).rev() {
            let c = format!("10.0.{}.{}:{}", i / 200, i % 200 + 1, 40000 + i);
            segs.push(SegBuilder::v4("10.9.9.9:80", &c).flags("SA").ack(i + 1));
        }
        segs
    }

    fn one_thread(file: &tempfile::NamedTempFile) -> Vec<(u32, String, [u64; 2])> {
        let mut src = Source::open_file(file.path().to_str().unwrap()).unwrap();
        let mut a = Analyzer::new();
        crate::run(
            &mut src,
            &mut a,
            Options { progress: false },
            |_, _, _, _| Ok(()),
        )
        .unwrap();
        a.conversations()
            .iter()
            .map(|c| (c.stream, c.endpoints[0].to_string(), c.stats.packets))
            .collect()
    }

    #[test]
    fn streams_are_numbered_by_first_frame_as_on_one_thread() {
        let file = pcap(&conversations(300));
        let want = one_thread(&file);
        assert_eq!(want.len(), 300);
        for threads in [1, 2, 3, 5] {
            let mut src = Source::open_file(file.path().to_str().unwrap()).unwrap();
            let Sharding::Done(s) = run_sharded(
                &mut src,
                threads,
                0,
                Options { progress: false },
                Analyzer::new,
            )
            .unwrap() else {
                panic!("no cap, yet over it");
            };
            let got: Vec<_> = s
                .conversations()
                .map(|(stream, c)| (stream, c.endpoints[0].to_string(), c.stats.packets))
                .collect();
            assert_eq!(got, want, "{threads} threads");
            let parts: Vec<_> = [0..7, 7..250, 250..1000]
                .into_iter()
                .flat_map(|r| s.conversations_in(r))
                .map(|(stream, c)| (stream, c.endpoints[0].to_string(), c.stats.packets))
                .collect();
            assert_eq!(parts, want);
            assert_eq!(s.counters().frames, 600);
            assert_eq!(s.counters().tcp, 600);
            assert_eq!(s.created(), 300);
            assert_eq!(s.end.frames, 600);
        }
    }

    /// Conversations, counters and evictions of a run of `file` through `run_batched`, or
    /// one frame at a time through [`crate::run`]; and how many conversations.
    fn tables(file: &tempfile::NamedTempFile, batched: bool, cap: usize) -> (usize, String) {
        let mut src = Source::open_file(file.path().to_str().unwrap()).unwrap();
        let mut a = Analyzer::with_max_conns(cap);
        a.gather_statistics();
        a.skip_own_verdicts();
        let opts = Options { progress: false };
        let end = if batched {
            run_batched(&mut src, &mut a, opts)
        } else {
            crate::run(&mut src, &mut a, opts, |_, _, _, _| Ok(()))
        }
        .unwrap();
        let convs: Vec<_> = a
            .conversations()
            .iter()
            .map(|c| {
                let d = c.stats.dir.as_deref().unwrap();
                let ends = c.endpoints[0].to_string();
                (
                    c.stream,
                    ends,
                    c.stats.packets,
                    d[0].data_packets,
                    d[1].dup_acks,
                )
            })
            .collect();
        let evicted = a.conversations().evictions();
        let text = format!("{convs:?} {:?} {evicted:?} {}", a.counters(), end.frames);
        (convs.len(), text)
    }

    /// Whole batches and a last partial one, with and without evictions, and with port
    /// reuse (the second half reopens the first's 4-tuples with new ISNs): the same tables.
    #[test]
    fn batches_analyse_as_one_frame_at_a_time_does() {
        let mut segs = conversations(1500);
        segs.extend(conversations(1500).into_iter().map(|s| s.seq(100_000)));
        let file = pcap(&segs);
        for cap in [0, 100] {
            assert_eq!(
                tables(&file, true, cap),
                tables(&file, false, cap),
                "cap {cap}"
            );
        }
        // Every 4-tuple reused once: twice the conversations; under the cap, the last ones.
        assert_eq!(tables(&file, false, 0).0, 3000);
        assert!((1..=100).contains(&tables(&file, false, 100).0));
    }

    #[test]
    fn a_capture_over_the_cap_stops_the_run() {
        let file = pcap(&conversations(300));
        for (cap, over) in [(299, true), (300, false), (0, false)] {
            let mut src = Source::open_file(file.path().to_str().unwrap()).unwrap();
            let run = run_sharded(&mut src, 2, cap, Options { progress: false }, || {
                Analyzer::with_max_conns(0)
            })
            .unwrap();
            assert_eq!(matches!(run, Sharding::OverCap), over, "cap {cap}");
        }
    }
}
