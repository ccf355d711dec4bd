SHELL := /bin/bash
.DEFAULT_GOAL := help
DEVSTACK := node packages/devstack/dist/cli.js

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-14s\033[0m %s\n", $$1, $$2}'

run: ## Run everything locally: the stack, every service with its sidecar; prints the URLs (Ctrl-C stops)
	@scripts/bootstrap.sh
	@scripts/infra.sh up
	@$(DEVSTACK) run

test: ## Run all tests (unit + integration on the real stack); ends with "N passed, N failed"
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

bench: ## Sale-opening load on the running stack (seat-map reads, hold storm); writes .run/bench.json
	@npx tsc -b tools/bench && node tools/bench/dist/main.js

token: ## Print a local admin access token for the gateway
	@$(DEVSTACK) token admin

clean: ## Remove build output and local state (.run)
	@scripts/infra.sh down; npx tsc -b --clean; rm -rf .run .tsbuild

.PHONY: help run test test-unit build install infra-up infra-down infra-status services-up services-down bench token clean
