// A small gRPC server for the grpc-probe sample: it serves only the standard health service
// (grpc.health.v1.Health), which grpc_health_probe calls from Kubernetes exec probes.
//
// Configuration (environment):
//
//	PORT  port to listen on (default 5000; 0 picks a free port)
//	HOST  address to bind (default: all interfaces; the tests use 127.0.0.1)
//
// SIGUSR1 toggles the reported status between SERVING and NOT_SERVING, so you can watch a
// readiness probe fail without stopping the server (kill -USR1 <pid>). SIGTERM and SIGINT
// report NOT_SERVING, then stop gracefully.
package main

import (
	"fmt"
	"log"
	"net"
	"os"
	"os/signal"
	"syscall"

	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

// serviceName is reported alongside the server-wide status (""), so
// `grpc_health_probe -service=example.GrpcProbe` works too.
const serviceName = "example.GrpcProbe"

func main() {
	port := os.Getenv("PORT")
	if port == "" {
		port = "5000"
	}
	lis, err := net.Listen("tcp", net.JoinHostPort(os.Getenv("HOST"), port))
	if err != nil {
		log.Fatalf("listen: %v", err)
	}

	server := grpc.NewServer()
	healthServer := health.NewServer()
	healthpb.RegisterHealthServer(server, healthServer)

	status := healthpb.HealthCheckResponse_SERVING
	setStatus := func(s healthpb.HealthCheckResponse_ServingStatus) {
		status = s
		healthServer.SetServingStatus("", s)
		healthServer.SetServingStatus(serviceName, s)
		// Flushed line by line (stdout is unbuffered in Go), so a supervisor can wait for it.
		fmt.Printf("health: %s\n", s)
	}
	setStatus(healthpb.HealthCheckResponse_SERVING)

	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGUSR1, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		for sig := range signals {
			if sig == syscall.SIGUSR1 {
				if status == healthpb.HealthCheckResponse_SERVING {
					setStatus(healthpb.HealthCheckResponse_NOT_SERVING)
				} else {
					setStatus(healthpb.HealthCheckResponse_SERVING)
				}
				continue
			}
			// Shutdown marks every service NOT_SERVING before the listener closes.
			healthServer.Shutdown()
			server.GracefulStop()
			return
		}
	}()

	fmt.Printf("listening on %s\n", lis.Addr())
	if err := server.Serve(lis); err != nil {
		log.Fatalf("serve: %v", err)
	}
}
