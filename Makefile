# mimic: one GNU Makefile, out-of-tree build into build/.
#   make            build everything (build/mimic-system-mipsel, ...)
#   make check      install missing packages, build, run every test
#   make run        install missing packages, build, fetch the default guest, boot it
#   make check-unit / check-guest / check-system   parts of make check
#   make check-sanitize   unit tests under ASan + UBSan (separate build dir)
#   make bench      side-by-side benchmarks against QEMU

BUILD ?= build
-include $(BUILD)/config.mak

# CI builds with -Werror; locally warnings stay warnings unless WERROR=yes.
ifneq ($(CI),)
WERROR := yes
endif

WARNFLAGS := -Wall -Wextra -Wmissing-prototypes -Wold-style-definition \
	-Wstrict-prototypes -Wno-unused-parameter -Wno-missing-field-initializers \
	-Wformat-security -Wvla -Wshadow=local
ifeq ($(WERROR),yes)
WARNFLAGS += -Werror
endif
OPTFLAGS ?= -O2 -g
ifeq ($(SANITIZE),yes)
OPTFLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDSAN := -fsanitize=address,undefined
endif

CFLAGS_ALL := -std=gnu11 $(OPTFLAGS) $(WARNFLAGS) -fno-strict-aliasing -MMD -MP \
	-Iinclude $(DEP_CFLAGS) $(CFLAGS)
LDFLAGS_ALL := $(LDSAN) $(LDFLAGS)

COMMON_DIRS := tcg tcg/x86_64 tcg/interp accel/tcg accel/kvm hw/core hw/char hw/intc hw/input hw/nvram \
	hw/timer hw/rtc hw/pci hw/ide hw/net hw/virtio hw/isa hw/misc hw/watchdog block net \
	softmmu softmmu/chardev softmmu/monitor
MAIN_SRC := softmmu/main.c
COMMON_SRCS := $(filter-out $(MAIN_SRC),$(wildcard $(addsuffix /*.c,$(COMMON_DIRS))))
MIPS_SRCS := $(wildcard target-mips/*.c hw/mips/*.c)
I386_SRCS := $(wildcard target-i386/*.c hw/i386/*.c)
IMG_SRCS := $(wildcard tools/*.c)

obj = $(patsubst %.c,$(BUILD)/%.o,$(1))
COMMON_LIB := $(BUILD)/libmimic-common.a
MIPS_LIB := $(BUILD)/libmimic-mips.a
I386_LIB := $(BUILD)/libmimic-i386.a

# A binary appears only once its target has code (no placeholder binaries).
BINARIES :=
ifneq ($(MIPS_SRCS),)
BINARIES += $(BUILD)/mimic-system-mipsel
TARGET_LIBS += $(MIPS_LIB)
endif
ifneq ($(I386_SRCS),)
BINARIES += $(BUILD)/mimic-system-i386
TARGET_LIBS += $(I386_LIB)
endif
ifneq ($(IMG_SRCS),)
BINARIES += $(BUILD)/mimic-img
endif

# Static libraries with --whole-archive: devices, boards and CPU models register
# themselves from constructors, which a plain archive link would drop.
WHOLE = -Wl,--whole-archive $(1) -Wl,--no-whole-archive

.PHONY: all deps check check-unit check-guest check-system check-sanitize run bench clean distclean
all: $(BUILD)/config.mak $(BINARIES)

$(BUILD)/config.mak: configure
	./configure --builddir=$(BUILD) $(if $(filter yes,$(SANITIZE)),--enable-sanitizers)

$(BUILD)/%.o: %.c $(BUILD)/config.mak
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c -o $@ $<

$(COMMON_LIB): $(call obj,$(COMMON_SRCS))
	@rm -f $@; ar rcs $@ $^
$(MIPS_LIB): $(call obj,$(MIPS_SRCS))
	@rm -f $@; ar rcs $@ $^
$(I386_LIB): $(call obj,$(I386_SRCS))
	@rm -f $@; ar rcs $@ $^

$(BUILD)/mimic-system-mipsel: $(call obj,$(MAIN_SRC)) $(MIPS_LIB) $(COMMON_LIB)
	$(CC) $(LDFLAGS_ALL) -o $@ $(call obj,$(MAIN_SRC)) $(call WHOLE,$(MIPS_LIB) $(COMMON_LIB)) $(DEP_LIBS)
$(BUILD)/mimic-system-i386: $(call obj,$(MAIN_SRC)) $(I386_LIB) $(COMMON_LIB)
	$(CC) $(LDFLAGS_ALL) -o $@ $(call obj,$(MAIN_SRC)) $(call WHOLE,$(I386_LIB) $(COMMON_LIB)) $(DEP_LIBS)
$(BUILD)/mimic-img: $(call obj,$(IMG_SRCS)) $(COMMON_LIB)
	$(CC) $(LDFLAGS_ALL) -o $@ $(call obj,$(IMG_SRCS)) $(call WHOLE,$(COMMON_LIB)) $(DEP_LIBS)

# ---- unit tests: tests/unit/test-*.c, one Criterion binary each ----
UNIT_SRCS := $(wildcard tests/unit/test-*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/unit/%,$(UNIT_SRCS))
# Shared test support (harnesses, the toy target) is linked into every unit test.
UNIT_SUPPORT := $(call obj,$(filter-out $(UNIT_SRCS),$(wildcard tests/unit/*.c)))
$(UNIT_SUPPORT): CFLAGS_ALL += $(CRITERION_CFLAGS)
# A test links the target library its name asks for (test-mips-*, test-malta-*,
# test-i386-*, test-pc-*), else only the common one, so one target's work in progress
# never breaks the other's tests.
unit_libs = $(if $(filter test-mips-% test-malta-%,$(1)),$(MIPS_LIB))$(if $(filter test-i386-% test-pc-%,$(1)),$(I386_LIB)) $(COMMON_LIB)
.SECONDEXPANSION:
$(BUILD)/tests/unit/%: tests/unit/%.c $(UNIT_SUPPORT) $$(call unit_libs,$$*)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(CRITERION_CFLAGS) $(LDFLAGS_ALL) -o $@ $< $(UNIT_SUPPORT) \
		$(call WHOLE,$(call unit_libs,$*)) $(DEP_LIBS) $(CRITERION_LIBS)

deps:
	@./scripts/install-deps.sh

check: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory check-unit check-guest check-system check-fuzz

check-unit: $(UNIT_BINS)
	@./scripts/run-unit-tests.sh $(UNIT_BINS)

# Guest and system tests live in their folders' own makefiles / scripts.
-include tests/guest/guest.mk
-include tests/system/system.mk

# Leak checking stays on; only Criterion's own bookkeeping is suppressed. A leak
# reported in a test's fork does not fail that test, so the output is searched.
check-sanitize: deps
	@mkdir -p build-san
	@{ LSAN_OPTIONS=suppressions=$(CURDIR)/tests/unit/lsan.supp UBSAN_OPTIONS=print_stacktrace=1 \
		$(MAKE) --no-print-directory BUILD=build-san SANITIZE=yes check-unit; \
		echo $$? > build-san/sanitize.status; } 2>&1 | tee build-san/sanitize.log
	@st=$$(cat build-san/sanitize.status); [ "$$st" = 0 ] || exit $$st; \
	if grep -q 'ERROR: LeakSanitizer' build-san/sanitize.log; then \
		echo "check-sanitize: LeakSanitizer reported leaks (build-san/sanitize.log)" >&2; \
		exit 1; \
	fi

run: deps
	@$(MAKE) --no-print-directory all
	@./scripts/run-default-guest.sh

bench: deps
	@$(MAKE) --no-print-directory all
	@./bench/run-all.sh

clean:
	rm -rf $(BUILD) build-san

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# ---- fuzzing: short libFuzzer runs (clang) of the machine stream parser and the
# qcow2 parser, part of make check; FUZZ_SECS per harness. ----
FUZZ_SECS ?= 25
.PHONY: check-fuzz
check-fuzz:
	@./tests/fuzz/run-fuzz-savevm.sh $(FUZZ_SECS)
	@./tests/fuzz/run-fuzz-qcow2.sh $(FUZZ_SECS)
