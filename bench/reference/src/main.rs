//! The benchmark's reference: a UDP responder that does nothing but recognise
//! RequestState (bincode 1.3: variant index 0 as a little-endian u32) and answer
//! with one fixed UpdateState, so that a node's round trip can be set beside the
//! cost of the network and the client alone.

use std::io::Write;
use std::net::UdpSocket;

/// UpdateState(Some(2026-11-24T00:00:00Z)): variant 1, option tag 1, i64 seconds, little-endian.
fn fixed_answer() -> [u8; 13] {
    let mut answer = [0u8; 13];
    answer[0] = 1;
    answer[4] = 1;
    answer[5..].copy_from_slice(&1_795_478_400i64.to_le_bytes());
    answer
}

fn main() {
    let port: u16 = match std::env::args().nth(1).map(|text| text.parse()) {
        Some(Ok(port)) => port,
        _ => {
            eprintln!("usage: reference-responder PORT");
            std::process::exit(2);
        }
    };
    let socket = UdpSocket::bind(("0.0.0.0", port)).unwrap_or_else(|error| {
        eprintln!("cannot bind UDP port {port}: {error}");
        std::process::exit(1);
    });
    let answer = fixed_answer();
    println!("ready");
    std::io::stdout().flush().ok();
    let mut buffer = [0u8; 1500];
    loop {
        let Ok((length, from)) = socket.recv_from(&mut buffer) else { continue };
        if length >= 4 && buffer[..4] == [0, 0, 0, 0] {
            let _ = socket.send_to(&answer, from);
        }
    }
}
