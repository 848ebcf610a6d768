# System tests: boot real Debian guests in the emulator (included by the top Makefile).
#   make check-system                       test build/mimic-system-mipsel
#   make check-system EMU=qemu-system-mipsel   check the tests themselves against QEMU
#   make check-system SYSTEM_TESTS=tests/system/test-bad-input.sh   run only some
# Logs: $(BUILD)/tests/system/<test>.log (console) and <test>.out (the test's verdict).
SYSTEM_TESTS ?=

.PHONY: check-system
check-system:
	@BUILD='$(BUILD)' $(if $(EMU),EMU='$(EMU)') ./tests/system/run.sh $(SYSTEM_TESTS)
