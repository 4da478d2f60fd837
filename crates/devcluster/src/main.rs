//! `devcluster`: serves the development cluster's API and the built console on a loopback port.

mod server;

fn main() -> std::process::ExitCode {
    let options = match server::Options::from_args(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("devcluster: {message}\n\n{}", server::USAGE);
            return std::process::ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("devcluster: cannot start the async runtime: {err}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(server::run(options)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("devcluster: {err}");
            std::process::ExitCode::FAILURE
        }
    }
}
