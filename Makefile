SHELL := /bin/bash
.DEFAULT_GOAL := help
DEVSTACK := node packages/devstack/dist/cli.js

help: ## List the targets
	@grep -E '^[a-zA-Z0-9_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-14s\033[0m %s\n", $$1, $$2}'

run: ## Run everything locally: the stack, every service with its sidecar; prints the URLs (Ctrl-C stops)
	@scripts/bootstrap.sh
	@scripts/infra.sh up
	@$(DEVSTACK) run

test: ## Run all tests (unit, integration on the real stack, the real cluster); ends with "N passed, N failed"
	@scripts/test.sh

test-unit: ## Run the unit tests only (no servers)
	@npx tsc -b && npx jest --selectProjects unit

build: ## Type-check and build every package (tsc -b)
	@npx tsc -b

install: ## Install Node dependencies and build Dapr, Kafka, Zipkin, MariaDB, Redis into the cache
	@scripts/bootstrap.sh

infra-up: ## Start MariaDB, Redis, Kafka, Zipkin, Dapr placement and scheduler on loopback
	@scripts/infra.sh up

infra-down: ## Stop exactly what infra-up started
	@scripts/infra.sh down

infra-status: ## Show which parts of the stack are running
	@scripts/infra.sh status

services-up: ## Start the services and their sidecars in the background
	@$(DEVSTACK) start

services-down: ## Stop the services and their sidecars
	@$(DEVSTACK) stop

k8s-up: ## Build (cached) and start a single-node Kubernetes on this machine; gateway on 127.0.0.1:18080
	@scripts/install-k8s.sh
	@scripts/k8s.sh up

k8s-deploy: ## Install Dapr's control plane and the chart (values-kind) into it; waits until every pod is Ready
	@scripts/k8s-deploy.sh

k8s-down: ## Tear the cluster down completely (processes, mounts, network namespace)
	@scripts/k8s.sh down

k8s-status: ## Show the cluster's processes and nodes
	@scripts/k8s.sh status

skaffold: ## Build skaffold from source (for the local-cluster profile: render and deploy; see docs/deployment.md)
	@scripts/install-k8s-tools.sh --skaffold

test-k8s: ## Run only the cluster tests (install, booking, upgrade, uninstall) on a fresh cluster
	@scripts/bootstrap.sh && scripts/k8s.sh up && { npx jest --runInBand --selectProjects k8s; s=$$?; scripts/k8s.sh down; exit $$s; }

screenshots: ## Retake docs/screenshots/*.png with the browser tests (needs the running stack: make infra-up services-up)
	@npx tsc -b && npm run --silent build:app -w @concert/web >/dev/null && SCREENSHOTS=1 npx jest --runInBand --selectProjects integration --testPathPatterns test/e2e/web

chaos: ## Fault suite on the running stack: SIGKILLs each app, sidecar, Kafka, MariaDB, Redis mid-booking; checks and prints a table
	@npx tsc -b && CHAOS_FAULTS=all npx jest --runInBand --selectProjects chaos

fuzz: ## Fuzz the running gateway against its OpenAPI document (schemathesis, pinned, cached venv)
	@scripts/fuzz.sh

bench: ## Sale-opening load on the running stack (seat-map reads, hold storm); writes .run/bench.json
	@npx tsc -b tools/bench && node tools/bench/dist/main.js

token: ## Print a local admin access token for the gateway
	@$(DEVSTACK) token admin

clean: ## Remove build output and local state (.run)
	@scripts/infra.sh down; npx tsc -b --clean; rm -rf .run .tsbuild

.PHONY: help run test test-unit screenshots build install infra-up infra-down infra-status services-up services-down k8s-up k8s-deploy k8s-down k8s-status skaffold test-k8s bench token clean
