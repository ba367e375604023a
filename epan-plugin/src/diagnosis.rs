//! Diagnosis findings as expert infos (group Sequence, severity Warning or Note), one
//! registered per cause as `tcplens.diagnosis.<cause>`.
//!
//! The analyzer diagnoses on the first pass (its diagnosis is on, times from the epoch);
//! its findings are collected after each frame, and a finding is attached to the frame
//! where its cause shows, with the same text `tcplens conns
//! --diagnose` prints, generated when the frame is shown. Findings that need the whole
//! capture (a handshake never answered) come when the first pass is over, so they show
//! in the GUI and with `tshark -2`. Only the findings are kept, sparse and sorted by
//! frame; nothing is stored per frame.
// SPDX-License-Identifier: GPL-2.0-or-later

use std::ffi::{c_int, CString};
use std::ptr::addr_of_mut;
use std::sync::Mutex;

use tcplens_core::diagnosis::{Cause, Finding};
use tcplens_core::explain::Lang;
use tcplens_core::Analyzer;

use crate::{ei_info, sys};

const NC: usize = Cause::ALL.len();

// Ids Wireshark writes at registration (its single dissection thread only).
static mut EI_CAUSE: [sys::expert_field; NC] = [sys::expert_field { ei: -1, hf: -1 }; NC];

#[derive(Default)]
struct State {
    /// Sorted by `frame` (emitted in frame order; sorted again after `finish`).
    findings: Vec<Finding>,
    finished: bool,
}

static STATE: Mutex<Option<State>> = Mutex::new(None);

/// Wireshark's severity for a cause: Warning where something went wrong on the path or at
/// an endpoint, Note where the capture is only unusual. Never Comment: the Expert dialog
/// files Comment items under "packet comments" (issue 16).
fn severity(c: Cause) -> c_int {
    match c {
        Cause::Reordering
        | Cause::MidConnectionStart
        | Cause::KeepAliveIdle
        | Cause::PortReuse
        | Cause::CaptureDuplicates => sys::PI_NOTE as c_int,
        _ => sys::PI_WARN as c_int,
    }
}

/// Adds one expert-info registration per cause to `ei`.
///
/// # Safety
/// Registration context only: the ids are written by Wireshark later.
pub(crate) unsafe fn register(ei: &mut Vec<sys::ei_register_info>) {
    let ids = addr_of_mut!(EI_CAUSE).cast::<sys::expert_field>();
    for (i, c) in Cause::ALL.iter().enumerate() {
        let abbrev = format!("tcplens.diagnosis.{}", c.name());
        // SAFETY: `i` < NC, inside EI_CAUSE.
        let id = unsafe { ids.add(i) };
        ei.push(ei_info(
            id,
            &abbrev,
            sys::PI_SEQUENCE,
            severity(*c),
            c.title(Lang::En),
        ));
    }
}

/// A capture is (re)loaded.
pub(crate) fn reset() {
    if let Ok(mut s) = STATE.lock() {
        *s = Some(State::default());
    }
}

/// First pass: `analyzer` has just analysed one frame, in order; its findings are kept.
pub(crate) fn collect(analyzer: &mut Analyzer) {
    let mut guard = STATE.lock().unwrap_or_else(|e| e.into_inner());
    let s = guard.get_or_insert_with(State::default);
    if s.finished {
        return;
    }
    analyzer.take_findings(&mut s.findings);
}

/// A later pass has begun: the first is over, so the end-of-capture findings are known
/// (and `analyzer` diagnoses no more).
pub(crate) fn finish_once(analyzer: &mut Analyzer) {
    let mut guard = STATE.lock().unwrap_or_else(|e| e.into_inner());
    let s = guard.get_or_insert_with(State::default);
    if s.finished {
        return;
    }
    s.finished = true;
    analyzer.finish_diagnosis(&mut s.findings);
    s.findings.sort_by_key(|f| f.frame);
}

/// The highest severity among the frame's findings, if it has any.
pub(crate) fn max_severity(frame: u32) -> Option<c_int> {
    let guard = STATE.lock().unwrap_or_else(|e| e.into_inner());
    let s = guard.as_ref()?;
    let start = s.findings.partition_point(|f| f.frame < frame);
    s.findings[start..]
        .iter()
        .take_while(|f| f.frame == frame)
        .map(|f| severity(f.cause()))
        .max()
}

/// Adds the frame's findings as expert infos on `ti`, in `lang`.
///
/// An expert info's message is cut at Wireshark's label limit (240 bytes in 4.0, with
/// `[truncated]`), and a diagnosis is often longer (a Chinese one nearly always). So the
/// expert info holds the text's first line (ending in " …" when more follows: the
/// summary `-z expert` and the Expert dialog list), and the further lines follow it in the
/// tree `t` as text items, so the tree shows the whole text, never cut.
///
/// # Safety
/// `pinfo`, `tvb`, `t` and `ti` are Wireshark's for the frame being dissected (`t` and
/// `ti` may be NULL).
pub(crate) unsafe fn show(
    pinfo: *mut sys::packet_info,
    tvb: *mut sys::tvbuff_t,
    t: *mut sys::proto_tree,
    ti: *mut sys::proto_item,
    frame: u32,
    lang: Lang,
) {
    let texts: Vec<(usize, Vec<CString>)> = {
        let guard = STATE.lock().unwrap_or_else(|e| e.into_inner());
        let Some(s) = guard.as_ref() else { return };
        // Emitted in frame order on the first pass, sorted after it: a binary search.
        let start = s.findings.partition_point(|f| f.frame < frame);
        s.findings[start..]
            .iter()
            .take_while(|f| f.frame == frame)
            .filter_map(|f| {
                let mut text = String::new();
                f.write_text(lang, &mut text).ok()?;
                let i = Cause::ALL.iter().position(|c| *c == f.cause())?;
                Some((i, expert_lines(&text)?))
            })
            .collect()
    };
    for (i, lines) in texts {
        let Some((first, rest)) = lines.split_first() else {
            continue;
        };
        // SAFETY: valid pinfo/tvb/t/ti for this call; `i` < NC; "%s" with one
        // NUL-terminated string that epan copies; offset 0 and length 0 are in bounds of
        // any tvb; ETT_LINE is registered with the plugin's other subtrees.
        unsafe {
            sys::expert_add_info_format(
                pinfo,
                ti,
                addr_of_mut!(EI_CAUSE).cast::<sys::expert_field>().add(i),
                c"%s".as_ptr(),
                first.as_ptr(),
            );
            for line in rest {
                sys::proto_tree_add_subtree_format(
                    t,
                    tvb,
                    0,
                    0,
                    crate::ETT_LINE,
                    std::ptr::null_mut(),
                    c"%s".as_ptr(),
                    line.as_ptr(),
                );
            }
        }
    }
}

/// A diagnosis text as the lines [`show`] adds: the first ends in " …" when more follow,
/// the others start with "… ". None when the text holds a NUL.
fn expert_lines(text: &str) -> Option<Vec<CString>> {
    // Room for "Expert Info (Warning/Sequence): " and the marks around a line.
    let lines = crate::lines::split_lines(text, crate::lines::LINE_BYTES - 8);
    let n = lines.len();
    lines
        .into_iter()
        .enumerate()
        .map(|(k, l)| {
            let mut s = String::with_capacity(l.len() + 8);
            if k > 0 {
                s.push_str("… ");
            }
            s.push_str(l);
            if k + 1 < n {
                s.push_str(" …");
            }
            CString::new(s).ok()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_diagnosis_becomes_marked_lines_under_the_limit() {
        let zh = "分段在抓包点之后丢失：抓包点看到了服务器从 seq 28961 开始的字节，但客户端发送了 9 个重复确认索要它们，说明它们在抓包点和客户端之间丢失。".repeat(3);
        let lines = expert_lines(&zh).unwrap();
        assert!(lines.len() > 1);
        for l in &lines {
            let l = l.to_str().unwrap();
            // "Expert Info (Warning/Sequence): " + the line, under ITEM_LABEL_LENGTH.
            assert!(l.len() + 32 < 240, "{} bytes", l.len());
        }
        assert!(lines[0].to_str().unwrap().ends_with(" …"));
        assert!(lines[1].to_str().unwrap().starts_with("… "));
        let short = expert_lines("Handshake never answered.").unwrap();
        assert_eq!(short.len(), 1);
        assert_eq!(short[0].to_str().unwrap(), "Handshake never answered.");
    }
}
