# Bare-metal guest tests, included by the top Makefile.
#   make check-guest        every guest test suite (mips now, i386 later)
#   make check-guest-mips   the MIPS suite on mimic-system-mipsel
#   make check-guest-mips-qemu   the same ELFs on qemu-system-mipsel (oracle)

.PHONY: check-guest check-guest-mips check-guest-mips-qemu guest-mips

check-guest: check-guest-mips

# ---- MIPS (tests/guest/mips) ----
GUEST_MIPS_DIR := tests/guest/mips
GUEST_MIPS_OUT := $(BUILD)/tests/guest/mips
GUEST_MIPS_CC := $(or $(MIPSEL_LINUX_GNU_GCC),mipsel-linux-gnu-gcc)
GUEST_MIPS_ARCH := -march=mips32r2
GUEST_MIPS_CFLAGS = $(GUEST_MIPS_ARCH) -EL -O1 -G0 -mno-abicalls -fno-pic -msoft-float \
	-ffreestanding -fno-builtin -fno-stack-protector -nostdlib -static -Wall \
	-Wl,--build-id=none
GUEST_MIPS_TESTS := $(patsubst $(GUEST_MIPS_DIR)/%.c,%,$(wildcard $(GUEST_MIPS_DIR)/test-*.c))
GUEST_MIPS_ELFS := $(addprefix $(GUEST_MIPS_OUT)/,$(addsuffix .elf,$(GUEST_MIPS_TESTS)))
GUEST_MIPS_COMMON := $(addprefix $(GUEST_MIPS_DIR)/,start.S lib.c lib.h regdef.h link.ld)

$(GUEST_MIPS_OUT)/%.elf: $(GUEST_MIPS_DIR)/%.c $(GUEST_MIPS_COMMON) $(wildcard $(GUEST_MIPS_DIR)/test-*.S)
	@mkdir -p $(dir $@)
	$(GUEST_MIPS_CC) $(GUEST_MIPS_CFLAGS) -T $(GUEST_MIPS_DIR)/link.ld -o $@ \
		$(GUEST_MIPS_DIR)/start.S $(GUEST_MIPS_DIR)/lib.c $< \
		$(wildcard $(GUEST_MIPS_DIR)/$*.S) -lgcc

guest-mips: $(GUEST_MIPS_ELFS)

# The Release 1 test runs on a 4Kc: its support code must not use R2 instructions.
$(GUEST_MIPS_OUT)/test-r1.elf: GUEST_MIPS_ARCH := -march=mips32

check-guest-mips: $(BUILD)/mimic-system-mipsel $(GUEST_MIPS_ELFS)
	@$(GUEST_MIPS_DIR)/run-tests.sh $(BUILD)/mimic-system-mipsel $(GUEST_MIPS_ELFS)

check-guest-mips-qemu: $(GUEST_MIPS_ELFS)
	@GUEST_ARGS="-cpu 24Kc" $(GUEST_MIPS_DIR)/run-tests.sh qemu-system-mipsel $(GUEST_MIPS_ELFS)

# ---- i386 (tests/guest/i386): add its rules here and make check-guest depend on
# check-guest-i386. ----
# ---- i386 (tests/guest/i386) ----
#   make check-guest-i386        the i386 suite on mimic-system-i386
#   make check-guest-i386-qemu   the same Multiboot ELFs on qemu-system-i386 (oracle)
#   make check-guest-i386-difftest   difftest.c natively vs in Linux on mimic (needs the
#                                    i386 guest kernel: scripts/fetch-guests.sh i386)
#   check-guest-i386 also runs run-bbtest.sh: Debian's busybox workloads natively vs in
#   the guest.
.PHONY: check-guest-i386 check-guest-i386-qemu check-guest-i386-difftest guest-i386

check-guest: check-guest-i386

GUEST_I386_DIR := tests/guest/i386
GUEST_I386_OUT := $(BUILD)/tests/guest/i386
GUEST_I386_CC := $(or $(I686_LINUX_GNU_GCC),i686-linux-gnu-gcc)
GUEST_I386_CFLAGS = -m32 -march=i686 -O1 -ffreestanding -fno-builtin -fno-stack-protector \
	-fno-pic -fno-pie -no-pie -nostdlib -static -Wall -Wl,--build-id=none -mno-sse \
	-mno-mmx -msoft-float -Wl,--no-warn-rwx-segments
GUEST_I386_TESTS := $(patsubst $(GUEST_I386_DIR)/%.c,%,$(wildcard $(GUEST_I386_DIR)/test-*.c))
GUEST_I386_ELFS := $(addprefix $(GUEST_I386_OUT)/,$(addsuffix .elf,$(GUEST_I386_TESTS)))
GUEST_I386_COMMON := $(addprefix $(GUEST_I386_DIR)/,start.S lib.c lib.h link.ld)

$(GUEST_I386_OUT)/%.elf: $(GUEST_I386_DIR)/%.c $(GUEST_I386_COMMON) $(wildcard $(GUEST_I386_DIR)/test-*.S)
	@mkdir -p $(dir $@)
	$(GUEST_I386_CC) $(GUEST_I386_CFLAGS) -T $(GUEST_I386_DIR)/link.ld -o $@ \
		$(GUEST_I386_DIR)/start.S $(GUEST_I386_DIR)/lib.c $< \
		$(wildcard $(GUEST_I386_DIR)/$*.S) -lgcc

guest-i386: $(GUEST_I386_ELFS)

check-guest-i386: $(BUILD)/mimic-system-i386 $(GUEST_I386_ELFS) $(GUEST_I386_OUT)/difftest
	@$(GUEST_I386_DIR)/run-tests.sh $(BUILD)/mimic-system-i386 $(GUEST_I386_ELFS)
	@$(GUEST_I386_DIR)/run-difftest.sh $(BUILD)/mimic-system-i386 $(GUEST_I386_OUT)/difftest
	@$(GUEST_I386_DIR)/run-bbtest.sh $(BUILD)/mimic-system-i386

# The differential test: a static 32-bit Linux program run natively and in the guest.
$(GUEST_I386_OUT)/difftest: $(GUEST_I386_DIR)/difftest.c
	@mkdir -p $(dir $@)
	$(GUEST_I386_CC) -m32 -O1 -static -Wall -o $@ $<

check-guest-i386-difftest: $(BUILD)/mimic-system-i386 $(GUEST_I386_OUT)/difftest
	@$(GUEST_I386_DIR)/run-difftest.sh $(BUILD)/mimic-system-i386 $(GUEST_I386_OUT)/difftest

check-guest-i386-qemu: $(GUEST_I386_ELFS)
	@$(GUEST_I386_DIR)/run-tests.sh qemu-system-i386 $(GUEST_I386_ELFS)
