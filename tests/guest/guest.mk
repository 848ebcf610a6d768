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
