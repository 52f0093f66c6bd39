# Raspberry Pi: install as a systemd service, cross builds, the qemu check.
# Included by the Makefile (`include mk/pi.mk`); uses its GO, BIN, PREFIX.
# docs/pi.md walks through an install on Raspberry Pi OS.
#
# DESTDIR stages an install for packaging: files go under $(DESTDIR), and
# the steps that change the running system (creating the user, reloading
# systemd) are skipped.

GO         ?= go
BIN        ?= bin
PREFIX     ?= /usr/local
DESTDIR    ?=
UNITDIR    ?= /etc/systemd/system
SYSUSERSDIR ?= /usr/lib/sysusers.d
CONFDIR    ?= /etc/wakegate
DATADIR    ?= /usr/share/wakegate
DOCDIR     ?= /usr/share/doc/wakegate
# The files `install` ships; the models are whatever models/ holds.
PI_MODELS  := $(wildcard models/*.wgm models/*.wgt)
# The binary to install. BUILD=0 installs it as it is: `sudo` often has no
# Go on its PATH, and a cross-built binary must not be rebuilt natively
# (sudo make install BUILD=0 INSTALL_BIN=bin/wakegate-linux-arm64).
INSTALL_BIN ?= $(BIN)/wakegate
BUILD      ?= 1

.PHONY: install uninstall pi pi-test unit-verify

# The unit's ExecStart names /usr/local/bin/wakegate, so the copy follows
# PREFIX. An existing /etc/wakegate/wakegate.toml is never overwritten.
install: ## install the binary, the systemd unit, the default config (kept if present), models and the wakegate user
ifeq ($(BUILD),1)
	$(GO) build -trimpath -o $(INSTALL_BIN) ./cmd/wakegate
endif
	@test -x $(INSTALL_BIN) || { echo "install: no $(INSTALL_BIN); run make build (or make pi) first"; exit 1; }
	install -D -m 0755 $(INSTALL_BIN) $(DESTDIR)$(PREFIX)/bin/wakegate
	install -d $(DESTDIR)$(UNITDIR)
	sed 's#/usr/local/bin/wakegate#$(PREFIX)/bin/wakegate#' deploy/wakegate.service > $(DESTDIR)$(UNITDIR)/wakegate.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/wakegate.service
	install -D -m 0644 deploy/wakegate.sysusers $(DESTDIR)$(SYSUSERSDIR)/wakegate.conf
	install -d -m 0755 $(DESTDIR)$(CONFDIR)
	@if [ -e $(DESTDIR)$(CONFDIR)/wakegate.toml ]; then \
		echo "install: keeping $(DESTDIR)$(CONFDIR)/wakegate.toml (the default is config/wakegate.toml)"; \
	else \
		install -m 0644 config/wakegate.toml $(DESTDIR)$(CONFDIR)/wakegate.toml; \
	fi
	install -d -m 0755 $(DESTDIR)$(DATADIR)/models
	$(if $(PI_MODELS),install -m 0644 $(PI_MODELS) $(DESTDIR)$(DATADIR)/models/,@echo "install: models/ holds no .wgm or .wgt files; none installed")
	install -D -m 0644 docs/pi.md $(DESTDIR)$(DOCDIR)/pi.md
	@if [ -z "$(DESTDIR)" ]; then \
		if command -v systemd-sysusers >/dev/null 2>&1; then \
			systemd-sysusers $(SYSUSERSDIR)/wakegate.conf; \
		elif ! id wakegate >/dev/null 2>&1; then \
			useradd --system --user-group --home-dir /var/lib/wakegate --no-create-home \
				--shell /usr/sbin/nologin --comment "Wakegate voice front end" wakegate; \
			for g in audio gpio spi; do getent group $$g >/dev/null && usermod -a -G $$g wakegate; done; \
		fi; \
		if [ -d /run/systemd/system ]; then systemctl daemon-reload; fi; \
		echo "install: done; edit $(CONFDIR)/wakegate.toml, then: systemctl enable --now wakegate"; \
	fi

uninstall: ## remove what install put in place, except the configuration, the user and /var/lib/wakegate
	rm -f $(DESTDIR)$(PREFIX)/bin/wakegate $(DESTDIR)$(UNITDIR)/wakegate.service \
		$(DESTDIR)$(SYSUSERSDIR)/wakegate.conf $(DESTDIR)$(DOCDIR)/pi.md
	rm -rf $(DESTDIR)$(DATADIR)
	@if [ -z "$(DESTDIR)" ] && [ -d /run/systemd/system ]; then systemctl daemon-reload; fi

pi: ## cross-build bin/wakegate-linux-arm64 and bin/wakegate-linux-armv7 (cgo; apt-installs the cross compilers)
	GO=$(GO) BIN=$(BIN) scripts/cross-build.sh

# ARCHES="arm64 armv7" adds the 32-bit build; FLOAT_ULPS=N accepts wake
# scores N ulp apart (docs/pi.md, "Cross builds and floating point").
pi-test: ## replay fixtures with the arm64 binary under qemu-aarch64 and compare its ledgers with amd64's
	GO=$(GO) BIN=$(BIN) ARCHES="$(or $(ARCHES),arm64)" FLOAT_ULPS=$(or $(FLOAT_ULPS),0) scripts/qemu-replay-test.sh

unit-verify: ## systemd-analyze verify on deploy/wakegate.service (and the unit's other checks)
	$(GO) test -count=1 -v -run 'Unit|SystemdAnalyze|Sysusers' ./deploy
