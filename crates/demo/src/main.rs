//! The demo cluster's Web Worker: [`imagestream_demo::DemoCluster`] behind `postMessage` (the
//! protocol is in the library's documentation). trunk builds it from index.html as a worker
//! (`data-type="worker"`, loaded by the console only when someone chooses the demo).

#[cfg(target_arch = "wasm32")]
mod worker;

fn main() {
    #[cfg(target_arch = "wasm32")]
    worker::start();
}
