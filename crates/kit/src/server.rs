//! Serving plumbing shared by both services: health (`grpc.health.v1`), reflection (`v1` and
//! `v1alpha`, so that both current and older stock clients work), and a shutdown that flips health
//! to NOT_SERVING, lets in-flight calls finish, and gives up after a deadline so that a long
//! stream can never hold the process.

use std::time::Duration;

use tokio::net::TcpListener;
use tokio_stream::wrappers::TcpListenerStream;
use tokio_util::sync::CancellationToken;
use tonic::service::Routes;
use tonic::transport::Server;
use tonic_health::ServingStatus;

/// How long in-flight calls may run after shutdown is requested.
pub const DRAIN_DEADLINE: Duration = Duration::from_secs(10);

/// Serves `routes` on `listener` together with health and reflection until `shutdown` is
/// cancelled. `service_names` are the fully qualified gRPC services served, reported by the
/// health check and listed by reflection.
pub async fn serve(
    listener: TcpListener,
    routes: Routes,
    service_names: &'static [&'static str],
    shutdown: CancellationToken,
) -> Result<(), tonic::transport::Error> {
    let (health, health_service) = tonic_health::server::health_reporter();
    for name in service_names.iter().copied().chain([""]) {
        health
            .set_service_status(name, ServingStatus::Serving)
            .await;
    }

    // The descriptor set holds both services' contracts; each server lists only what it serves,
    // health included, so that stock clients can call it by reflection.
    let reflection = || {
        service_names.iter().fold(
            tonic_reflection::server::Builder::configure()
                .register_encoded_file_descriptor_set(partyregistry_proto::FILE_DESCRIPTOR_SET)
                .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
                .with_service_name("grpc.health.v1.Health"),
            |builder, name| builder.with_service_name(*name),
        )
    };
    let reflection_v1 = reflection().build_v1();
    let reflection_v1alpha = reflection().build_v1alpha();
    let mut routes = routes.add_service(health_service);
    // The descriptor set is compiled into the binary by the build script, so these only fail if
    // the build itself is broken; serve without reflection rather than not at all.
    match (reflection_v1, reflection_v1alpha) {
        (Ok(v1), Ok(v1alpha)) => routes = routes.add_service(v1).add_service(v1alpha),
        (Err(error), _) | (_, Err(error)) => tracing::error!(%error, "reflection disabled"),
    }

    let stop_signal = {
        let shutdown = shutdown.clone();
        async move {
            shutdown.cancelled().await;
            for name in service_names.iter().copied().chain([""]) {
                health
                    .set_service_status(name, ServingStatus::NotServing)
                    .await;
            }
            tracing::info!(services = ?service_names, "shutting down");
        }
    };
    let server = Server::builder()
        .add_routes(routes)
        .serve_with_incoming_shutdown(TcpListenerStream::new(listener), stop_signal);
    let deadline = async {
        shutdown.cancelled().await;
        tokio::time::sleep(DRAIN_DEADLINE).await;
        tracing::warn!(services = ?service_names, "drain deadline passed; closing remaining calls");
    };
    tokio::select! {
        result = server => result,
        () = deadline => Ok(()),
    }
}

/// Installs the tracing subscriber once: human-readable by default, JSON lines when `json` is set.
/// `RUST_LOG` overrides the `info` default.
pub fn init_tracing(json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // Logs go to standard error, so that a command's own output on standard out stays clean.
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    // try_init fails only when a subscriber is already installed (tests, the dev command); keeping
    // the existing one is right.
    let _ = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}

/// Cancels `token` on Ctrl-C or SIGTERM.
pub fn cancel_on_signal(token: CancellationToken) {
    tokio::spawn(async move {
        let ctrl_c = tokio::signal::ctrl_c();
        #[cfg(unix)]
        {
            let mut terminate =
                match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                    Ok(signal) => signal,
                    Err(error) => {
                        tracing::warn!(%error, "cannot listen for SIGTERM");
                        let _ = ctrl_c.await;
                        token.cancel();
                        return;
                    }
                };
            tokio::select! {
                _ = ctrl_c => {},
                _ = terminate.recv() => {},
            }
        }
        #[cfg(not(unix))]
        let _ = ctrl_c.await;
        token.cancel();
    });
}
