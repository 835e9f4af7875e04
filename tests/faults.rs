//! Fault injection for the client and the app: every sign-in call meets every fault a
//! Frontend API (or what sits in front of it) can produce, and the test checks what a person
//! would notice - a clear message on the screen, the step kept, retry and back still working.
//! `cargo test --test faults -- --nocapture` prints the matrix (fault × call → outcome).

#[path = "faults/cells.rs"]
mod cells;
#[path = "faults/server.rs"]
mod server;
#[path = "faults/states.rs"]
mod states;

use cells::{CALLS, run_cell};
use server::FAULTS;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_fault_on_every_call_leaves_a_clear_message_and_a_way_on() {
    // A few cells at a time: on a loaded machine fifty at once would time out by themselves.
    let slots = std::sync::Arc::new(tokio::sync::Semaphore::new(4));
    let mut tasks = Vec::new();
    for fault in FAULTS {
        for target in CALLS {
            let slots = slots.clone();
            let task = tokio::spawn(async move {
                let _slot = slots.acquire_owned().await;
                run_cell(fault, target).await
            });
            tasks.push((fault, target, task));
        }
    }
    let mut rows: Vec<(server::Fault, Vec<String>)> = Vec::new();
    let mut messages = Vec::new();
    let mut failures = Vec::new();
    for (fault, target, task) in tasks {
        let cell = match task.await {
            Ok(Ok(outcome)) => {
                if let Some(m) = outcome.message {
                    messages.push(format!("{} / {}: {m}", fault.name(), target.name()));
                }
                outcome.summary
            }
            Ok(Err(why)) => {
                failures.push(format!("{} × {}: {why}", fault.name(), target.name()));
                "FAIL".to_string()
            }
            Err(panic) => {
                failures.push(format!(
                    "{} × {}: panicked: {panic}",
                    fault.name(),
                    target.name()
                ));
                "PANIC".to_string()
            }
        };
        match rows.iter_mut().find(|(f, _)| *f == fault) {
            Some((_, cells)) => cells.push(cell),
            None => rows.push((fault, vec![cell])),
        }
    }
    let mut table = String::from("| fault \\ call |");
    for target in CALLS {
        table.push_str(&format!(" {} |", target.name()));
    }
    table.push_str("\n|---|");
    table.push_str(&"---|".repeat(CALLS.len()));
    table.push('\n');
    for (fault, cells) in &rows {
        table.push_str(&format!("| {} | {} |\n", fault.name(), cells.join(" | ")));
    }
    println!("\n{table}");
    println!("Messages the user saw:");
    for m in &messages {
        println!("  {m}");
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
