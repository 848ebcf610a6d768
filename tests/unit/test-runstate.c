/*
 * Unit tests for softmmu/runstate.c: requests, -no-reboot, powerdown notifiers,
 * exit status, vm_start/vm_stop and the virtual clock.
 */
#include "qemu/osdep.h"
#include <criterion/criterion.h>
#include <unistd.h>
#include "sysemu/runstate.h"
#include "qemu/timer.h"
#include "hw/boards.h"
#include "hw/qdev.h"
#include "../../softmmu/internal.h"

static int board_resets;

static void board_reset(MachineState *ms)
{
    board_resets++;
}

static bool board_init(MachineState *ms, GError **errp)
{
    return true;
}

static const MachineClass test_board = {
    .name = "test-board", .init = board_init, .reset = board_reset,
};
static MachineState test_ms;

static int dev_resets;

static void dev_reset(DeviceState *dev)
{
    dev_resets++;
}

static const DeviceClass test_dev = {
    .name = "rs-dev", .instance_size = sizeof(DeviceState), .reset = dev_reset,
};

static void setup(void)
{
    current_machine = &test_ms;
    current_machine_class = &test_board;
    main_loop_init();
}

TestSuite(runstate, .init = setup);

Test(runstate, starts_in_prelaunch)
{
    cr_assert_eq(runstate_get(), RUN_STATE_PRELAUNCH);
    cr_assert_not(runstate_is_running());
    cr_assert_str_eq(runstate_name(RUN_STATE_PAUSED), "paused");
}

Test(runstate, shutdown_request_ends_with_status_0)
{
    int status = -1;

    vm_start();
    cr_assert_not(runstate_check_requests(&status));
    qemu_system_shutdown_request(SHUTDOWN_CAUSE_GUEST_SHUTDOWN);
    cr_assert(runstate_check_requests(&status));
    cr_assert_eq(status, 0);
    cr_assert_eq(runstate_get(), RUN_STATE_SHUTDOWN);
}

Test(runstate, exit_request_carries_status)
{
    int status = -1;

    qemu_system_exit_request(3);   /* isa-debug-exit wrote 1: (1 << 1) | 1 */
    cr_assert(runstate_check_requests(&status));
    cr_assert_eq(status, 3);
}

Test(runstate, reset_request_resets_devices_and_board)
{
    int status;

    qdev_create_simple(&test_dev, NULL);
    qemu_system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
    cr_assert_not(runstate_check_requests(&status), "a reset does not end the VM");
    cr_assert_eq(dev_resets, 1);
    cr_assert_eq(board_resets, 1);
    cr_assert_not(runstate_check_requests(&status), "the request was consumed");
    cr_assert_eq(board_resets, 1);
}

Test(runstate, no_reboot_turns_reset_into_exit)
{
    int status = -1;

    test_ms.no_reboot = true;
    qemu_system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
    cr_assert(runstate_check_requests(&status));
    cr_assert_eq(status, 0);
    cr_assert_eq(board_resets, 0);
}

Test(runstate, no_shutdown_stops_on_what_the_guest_asks)
{
    int status = -1;

    runstate_set_no_shutdown(true);
    vm_start();
    qemu_system_shutdown_request(SHUTDOWN_CAUSE_GUEST_SHUTDOWN);
    cr_assert_not(runstate_check_requests(&status), "poweroff stops, does not exit");
    cr_assert_eq(runstate_get(), RUN_STATE_SHUTDOWN);
    cr_assert_eq(status, -1);

    /* system_reset makes it startable again; cont starts it. */
    qemu_system_reset_request(SHUTDOWN_CAUSE_HOST_QMP);
    cr_assert_not(runstate_check_requests(&status));
    cr_assert_eq(board_resets, 1);
    cr_assert_eq(runstate_get(), RUN_STATE_PRELAUNCH);
    vm_start();
    cr_assert(runstate_is_running());

    /* A panic, and a reboot that -no-reboot turns into a shutdown, stop too. */
    qemu_system_guest_panicked();
    cr_assert_not(runstate_check_requests(&status));
    cr_assert_eq(runstate_get(), RUN_STATE_SHUTDOWN);
    qemu_system_reset_request(SHUTDOWN_CAUSE_HOST_QMP);
    runstate_check_requests(&status);
    vm_start();
    test_ms.no_reboot = true;
    qemu_system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
    cr_assert_not(runstate_check_requests(&status));
    cr_assert_eq(runstate_get(), RUN_STATE_SHUTDOWN);

    /* What the host asks for still ends the emulator. */
    qemu_system_shutdown_request(SHUTDOWN_CAUSE_HOST_QMP);
    cr_assert(runstate_check_requests(&status));
    cr_assert_eq(status, 0);
}

static int powerdowns;

static void on_powerdown(void *opaque)
{
    powerdowns += *(int *)opaque;
}

Test(runstate, powerdown_calls_notifiers)
{
    static int one = 1, ten = 10;
    int status;

    qemu_register_powerdown_notifier(on_powerdown, &one);
    qemu_register_powerdown_notifier(on_powerdown, &ten);
    qemu_system_powerdown_request();
    cr_assert_not(runstate_check_requests(&status));
    cr_assert_eq(powerdowns, 11);
}

Test(runstate, vm_stop_pauses_virtual_clock)
{
    int64_t v;

    vm_start();
    cr_assert(runstate_is_running());
    usleep(2000);
    vm_stop(RUN_STATE_PAUSED);
    cr_assert_eq(runstate_get(), RUN_STATE_PAUSED);
    v = clock_get_ns(CLOCK_VIRTUAL);
    cr_assert_gt(v, 0);
    usleep(200 * 1000);
    cr_assert_eq(clock_get_ns(CLOCK_VIRTUAL), v);
    vm_start();
    cr_assert_lt(clock_get_ns(CLOCK_VIRTUAL) - v, 100 * 1000 * 1000,
                 "guest time did not jump by the 200 ms spent stopped");
}
