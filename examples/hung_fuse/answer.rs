//! The part of the FUSE protocol (linux/fuse.h, 7.31) a root directory listing one
//! subdirectory needs, and the point where the server stops answering.

use std::fs::File;
use std::io::{Read, Write};

const LOOKUP: u32 = 1;
const FORGET: u32 = 2;
const GETATTR: u32 = 3;
const STATFS: u32 = 17;
const OPENDIR: u32 = 27;
const READDIR: u32 = 28;
const RELEASEDIR: u32 = 29;
const INTERRUPT: u32 = 36;
const BATCH_FORGET: u32 = 42;

const ROOT: u64 = 1;
const LISTED: u64 = 2;
const ENOENT: i32 = 2;
const ENOSYS: i32 = 38;
const S_IFDIR: u32 = 0o040_000;
/// fuse_in_header.
const IN_HEADER: usize = 40;

/// Answers what the kernel asks about the root (its attributes, statfs, opening and listing
/// it: one directory, `name`), and returns without reading another request once `name` was
/// looked up: whatever comes next (opening `name`) waits in the kernel's queue.
pub fn root_until_looked_up(dev: &mut File, buf: &mut [u8], name: &[u8]) {
    while let Ok(n) = dev.read(buf) {
        let Some(req) = buf.get(..n) else { return };
        let (Some(opcode), Some(unique), Some(node)) =
            (u32_at(req, 4), u64_at(req, 8), u64_at(req, 16))
        else {
            return;
        };
        let body = req.get(IN_HEADER..).unwrap_or_default();
        let looked_up = opcode == LOOKUP && node == ROOT && c_str(body) == name;
        let reply = match opcode {
            FORGET | BATCH_FORGET | INTERRUPT => None,
            GETATTR if node == ROOT || node == LISTED => Some(Ok(attr_out(node))),
            STATFS => Some(Ok(statfs_out())),
            OPENDIR | RELEASEDIR if node == ROOT => Some(Ok(vec![0; 16])),
            READDIR if node == ROOT => Some(Ok(listing(name, u64_at(body, 8).unwrap_or(0)))),
            LOOKUP if looked_up => Some(Ok(entry_out())),
            LOOKUP => Some(Err(ENOENT)),
            _ => Some(Err(ENOSYS)),
        };
        if let Some(reply) = reply {
            let _ = dev.write_all(&out(unique, reply));
        }
        if looked_up {
            return;
        }
    }
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_ne_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_ne_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

fn c_str(b: &[u8]) -> &[u8] {
    b.split(|&c| c == 0).next().unwrap_or_default()
}

/// fuse_out_header, then the body (or nothing, with an error).
fn out(unique: u64, reply: Result<Vec<u8>, i32>) -> Vec<u8> {
    let (error, body) = match reply {
        Ok(body) => (0, body),
        Err(errno) => (-errno, Vec::new()),
    };
    let mut v = Vec::with_capacity(16 + body.len());
    v.extend_from_slice(&(16 + body.len() as u32).to_ne_bytes());
    v.extend_from_slice(&error.to_ne_bytes());
    v.extend_from_slice(&unique.to_ne_bytes());
    v.extend_from_slice(&body);
    v
}

/// fuse_attr of a directory.
fn attr(node: u64) -> Vec<u8> {
    let mut a = Vec::with_capacity(88);
    for v in [node, 0, 0, 0, 0, 0] {
        // ino, size, blocks, atime, mtime, ctime
        a.extend_from_slice(&v.to_ne_bytes());
    }
    for v in [0u32, 0, 0, S_IFDIR | 0o755, 2, 0, 0, 0, 4096, 0] {
        // atimensec, mtimensec, ctimensec, mode, nlink, uid, gid, rdev, blksize, flags
        a.extend_from_slice(&v.to_ne_bytes());
    }
    a
}

/// fuse_attr_out, valid for a minute.
fn attr_out(node: u64) -> Vec<u8> {
    let mut v = Vec::with_capacity(104);
    v.extend_from_slice(&60u64.to_ne_bytes());
    v.extend_from_slice(&[0; 8]);
    v.extend_from_slice(&attr(node));
    v
}

/// fuse_entry_out of the listed directory, valid for a minute.
fn entry_out() -> Vec<u8> {
    let mut v = Vec::with_capacity(128);
    for x in [LISTED, 0, 60, 60] {
        // nodeid, generation, entry_valid, attr_valid
        v.extend_from_slice(&x.to_ne_bytes());
    }
    v.extend_from_slice(&[0; 8]);
    v.extend_from_slice(&attr(LISTED));
    v
}

/// fuse_statfs_out: an empty filesystem.
fn statfs_out() -> Vec<u8> {
    let mut v = vec![0; 40];
    for x in [4096u32, 255, 4096] {
        // bsize, namelen, frsize
        v.extend_from_slice(&x.to_ne_bytes());
    }
    v.resize(80, 0);
    v
}

/// READDIR from `offset`: the one directory, then nothing.
fn listing(name: &[u8], offset: u64) -> Vec<u8> {
    if offset > 0 {
        return Vec::new();
    }
    let mut v = Vec::new();
    v.extend_from_slice(&LISTED.to_ne_bytes());
    v.extend_from_slice(&1u64.to_ne_bytes()); // offset of the next entry
    v.extend_from_slice(&(name.len() as u32).to_ne_bytes());
    v.extend_from_slice(&4u32.to_ne_bytes()); // DT_DIR
    v.extend_from_slice(name);
    v.resize(v.len().next_multiple_of(8), 0);
    v
}
