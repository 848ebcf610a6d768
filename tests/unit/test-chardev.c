/*
 * Unit tests for the chardev layer (softmmu/chardev/): the Ctrl-A mux driven
 * through a pipe on stdin, flow control, stdio, file, unix and tcp sockets, and
 * the spec parsers' errors. Each test runs in its own process (Criterion), so
 * replacing fds 0 and 1 with pipes is safe.
 */
#include "qemu/osdep.h"
#include <criterion/criterion.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <unistd.h>
#include "chardev/char.h"
#include "qemu/timer.h"
#include "sysemu/runstate.h"
#include "../../softmmu/internal.h"
#include "../../softmmu/chardev/char-internal.h"

typedef struct FakeUart {
    GString *rx;
    int room;              /* what can_receive answers */
    int events[8];
    int nr_events;
} FakeUart;

static int fake_can_receive(void *opaque)
{
    return ((FakeUart *)opaque)->room;
}

static void fake_receive(void *opaque, const uint8_t *buf, int len)
{
    FakeUart *u = opaque;

    g_string_append_len(u->rx, (const char *)buf, len);
    u->room -= len;
    if (u->room < 0) {
        u->room = 0;
    }
}

static void fake_event(void *opaque, int event)
{
    FakeUart *u = opaque;

    if (u->nr_events < 8) {
        u->events[u->nr_events++] = event;
    }
}

static const CharFrontendOps fake_ops = {
    .can_receive = fake_can_receive,
    .receive = fake_receive,
    .event = fake_event,
};

static int stdin_writer = -1;   /* the test types into this */
static int stdout_reader = -1;  /* and reads the emulator's terminal here */

static void setup_stdio_pipes(void)
{
    int in[2], out[2];

    cr_assert_eq(pipe(in), 0);
    cr_assert_eq(pipe(out), 0);
    dup2(in[0], 0);
    dup2(out[1], 1);
    close(in[0]);
    close(out[1]);
    stdin_writer = in[1];
    stdout_reader = out[0];
    fcntl(stdout_reader, F_SETFL, O_NONBLOCK);
    main_loop_init();
}

static void type_bytes(const char *s, size_t len)
{
    cr_assert_eq(write(stdin_writer, s, len), (ssize_t)len);
}

#define TYPE(s) type_bytes((s), sizeof(s) - 1)

/* Spin the main loop until cond() or a second has passed. */
static void run_until(bool (*cond)(void *), void *opaque)
{
    for (int i = 0; i < 100 && !cond(opaque); i++) {
        main_loop_wait(10 * 1000 * 1000);
    }
}

static void run_a_bit(void)
{
    for (int i = 0; i < 5; i++) {
        main_loop_wait(2 * 1000 * 1000);
    }
}

static GString *terminal_output(void)
{
    static GString *all;
    char buf[4096];
    ssize_t n;

    if (!all) {
        all = g_string_new("");
    }
    while ((n = read(stdout_reader, buf, sizeof(buf))) > 0) {
        g_string_append_len(all, buf, n);
    }
    return all;
}

static size_t want_len;

static bool rx_has_len(void *opaque)
{
    return ((FakeUart *)opaque)->rx->len >= want_len;
}

static FakeUart *fake_new(int room)
{
    FakeUart *u = g_new0(FakeUart, 1);

    u->rx = g_string_new("");
    u->room = room;
    return u;
}

Test(chardev_mux, plain_bytes_and_escaped_ctrl_a)
{
    FakeUart *u;
    Chardev *mux;

    setup_stdio_pipes();
    mux = chardev_stdio_mux();
    u = fake_new(1000);
    chardev_set_frontend(mux, &fake_ops, u);
    TYPE("ab\001\001c\001zd");
    want_len = 5;
    run_until(rx_has_len, u);
    cr_assert_eq(u->rx->len, 5);
    cr_assert_arr_eq(u->rx->str, "ab\001cd", 5,
                     "C-a C-a gives C-a; unknown escapes vanish");
}

Test(chardev_mux, help_and_no_monitor)
{
    FakeUart *u;
    Chardev *mux;
    GString *out;

    setup_stdio_pipes();
    mux = chardev_stdio_mux();
    u = fake_new(1000);
    chardev_set_frontend(mux, &fake_ops, u);
    TYPE("\001h\001c");
    run_a_bit();
    out = terminal_output();
    cr_assert_not_null(strstr(out->str, "C-a x    exit emulator"), "%s", out->str);
    cr_assert_not_null(strstr(out->str, "C-a c    switch between console and monitor"));
    cr_assert_not_null(strstr(out->str, "no monitor"), "%s", out->str);
    cr_assert_eq(u->rx->len, 0, "escapes are not delivered to the guest");
}

Test(chardev_mux, ctrl_a_x_quits_with_status_0)
{
    FakeUart *u;
    Chardev *mux;
    int status = 99;

    setup_stdio_pipes();
    mux = chardev_stdio_mux();
    u = fake_new(1000);
    chardev_set_frontend(mux, &fake_ops, u);
    cr_assert_not(runstate_check_requests(&status));
    TYPE("\001x");
    run_a_bit();
    cr_assert(runstate_check_requests(&status));
    cr_assert_eq(status, 0);
    cr_assert_not_null(strstr(terminal_output()->str, "mimic: Terminated"));
}

Test(chardev_mux, ctrl_a_x_works_while_guest_not_reading)
{
    FakeUart *u;
    Chardev *mux;
    int status = 99;
    char many[200];

    setup_stdio_pipes();
    mux = chardev_stdio_mux();
    u = fake_new(0);   /* the guest never drains its UART */
    chardev_set_frontend(mux, &fake_ops, u);
    memset(many, 'q', sizeof(many));
    type_bytes(many, sizeof(many));
    TYPE("\001x");
    run_a_bit();
    cr_assert_eq(u->rx->len, 0);
    /* The mux buffers what the guest does not take, so the escape behind the
     * unread bytes is still seen. */
    cr_assert(runstate_check_requests(&status),
              "Ctrl-A x must not wait for the guest to read its serial port");
}

Test(chardev_mux, switch_frontends_with_ctrl_a_c)
{
    FakeUart *serial, *monitor;
    Chardev *mux;

    setup_stdio_pipes();
    mux = chardev_stdio_mux();
    serial = fake_new(1000);
    monitor = fake_new(1000);
    /* The monitor may attach before the board creates the UART. */
    chardev_mux_add_frontend(mux, &fake_ops, monitor);
    chardev_set_frontend(mux, &fake_ops, serial);
    TYPE("s1");
    want_len = 2;
    run_until(rx_has_len, serial);
    cr_assert_str_eq(serial->rx->str, "s1", "the serial port has the focus first");
    TYPE("\001cm2");
    want_len = 2;
    run_until(rx_has_len, monitor);
    cr_assert_str_eq(monitor->rx->str, "m2");
    cr_assert_str_eq(serial->rx->str, "s1");
    cr_assert_eq(monitor->events[monitor->nr_events - 1], CHR_EVENT_MUX_IN);
    cr_assert_eq(serial->events[serial->nr_events - 1], CHR_EVENT_MUX_OUT);
    TYPE("\001cs3");
    want_len = 4;
    run_until(rx_has_len, serial);
    cr_assert_str_eq(serial->rx->str, "s1s3");
}

Test(chardev_mux, ctrl_a_b_sends_break)
{
    FakeUart *u;
    Chardev *mux;

    setup_stdio_pipes();
    mux = chardev_stdio_mux();
    u = fake_new(1000);
    chardev_set_frontend(mux, &fake_ops, u);
    u->nr_events = 0;
    TYPE("\001b");
    run_a_bit();
    cr_assert_eq(u->nr_events, 1);
    cr_assert_eq(u->events[0], CHR_EVENT_BREAK);
}

Test(chardev_mux, output_from_all_frontends_and_timestamps)
{
    FakeUart *u;
    Chardev *mux;
    GString *out;

    setup_stdio_pipes();
    mux = chardev_stdio_mux();
    u = fake_new(1000);
    chardev_set_frontend(mux, &fake_ops, u);
    cr_assert_eq(chardev_write(mux, (const uint8_t *)"hello\n", 6), 6);
    TYPE("\001t");
    run_a_bit();
    chardev_write(mux, (const uint8_t *)"x\ny\n", 4);
    main_loop_wait(0);
    out = terminal_output();
    cr_assert(g_str_has_prefix(out->str, "hello\n"), "%s", out->str);
    cr_assert_not_null(strstr(out->str, "[00:00:00."), "%s", out->str);
}

Test(chardev_mux, flow_control_holds_input_until_accepted)
{
    FakeUart *u;
    Chardev *mux;
    char data[100];

    setup_stdio_pipes();
    mux = chardev_stdio_mux();
    u = fake_new(0);
    chardev_set_frontend(mux, &fake_ops, u);
    for (int i = 0; i < 100; i++) {
        data[i] = 'A' + i % 26;
    }
    type_bytes(data, sizeof(data));
    run_a_bit();
    cr_assert_eq(u->rx->len, 0, "nothing delivered while can_receive says 0");
    for (int round = 0; round < 200 && u->rx->len < 100; round++) {
        u->room = 16;   /* a 16-byte FIFO drained */
        chardev_accept_input(mux);
        main_loop_wait(1000 * 1000);
    }
    cr_assert_eq(u->rx->len, 100, "all input arrives, in order, none lost");
    cr_assert_arr_eq(u->rx->str, data, 100);
}

Test(chardev_stdio, input_output_and_eof)
{
    FakeUart *u;
    GError *err = NULL;
    Chardev *chr;

    setup_stdio_pipes();
    chr = chardev_new_from_spec("serial0", "stdio", &err);
    cr_assert_not_null(chr);
    u = fake_new(1000);
    chardev_set_frontend(chr, &fake_ops, u);
    TYPE("\001x");   /* no mux: Ctrl-A is ordinary data */
    want_len = 2;
    run_until(rx_has_len, u);
    cr_assert_arr_eq(u->rx->str, "\001x", 2);
    chardev_write(chr, (const uint8_t *)"out", 3);
    cr_assert_str_eq(terminal_output()->str, "", "queued until the main loop runs");
    main_loop_wait(0);
    cr_assert_str_eq(terminal_output()->str, "out");
    close(stdin_writer);
    run_a_bit();      /* EOF: must stop polling, not spin or crash */
    cr_assert_null(chardev_new_from_spec("serial1", "stdio", &err),
                   "stdio can be used once");
    cr_assert_not_null(strstr(err->message, "multiple"), "%s", err->message);
}

Test(chardev_stdio, output_never_blocks_the_guest_for_long)
{
    GError *err = NULL;
    Chardev *chr;
    static uint8_t big[128 * 1024];
    int64_t t0, t1, t2;
    char drain[65536];

    setup_stdio_pipes();
    chr = chardev_new_from_spec("serial0", "stdio", &err);
    cr_assert_not_null(chr);
    /* Nobody reads the terminal: the pipe fills up. */
    t0 = clock_get_ns(CLOCK_REALTIME);
    cr_assert_eq(chardev_write(chr, big, sizeof(big)), (int)sizeof(big));
    t1 = clock_get_ns(CLOCK_REALTIME);
    cr_assert_lt(t1 - t0, 4 * NANOSECONDS_PER_SECOND, "bounded wait");
    for (int i = 0; i < 1000; i++) {
        chardev_write(chr, (const uint8_t *)"x", 1);
    }
    t2 = clock_get_ns(CLOCK_REALTIME);
    cr_assert_lt(t2 - t1, NANOSECONDS_PER_SECOND / 2,
                 "once stalled, bytes are dropped without waiting");
    while (read(stdout_reader, drain, sizeof(drain)) > 0) {
        continue;
    }
    chardev_write(chr, (const uint8_t *)"Z", 1);
    main_loop_wait(0);
    cr_assert_eq(read(stdout_reader, drain, sizeof(drain)), 1, "output resumes");
    cr_assert_eq(drain[0], 'Z');
}

/*
 * A UART hands over one byte per THR write: the bytes are gathered and written
 * together when the main loop runs (one write(2), not one per byte), in order,
 * also across a full queue, and nothing is left behind at exit.
 */
Test(chardev_stdio, bytes_are_gathered_into_few_writes)
{
    GError *err = NULL;
    Chardev *chr;
    GString *want = g_string_new("");
    GString *out;

    setup_stdio_pipes();
    chr = chardev_new_from_spec("serial0", "stdio", &err);
    cr_assert_not_null(chr);
    for (int i = 0; i < 3 * CHARDEV_OUT_BUF + 7; i++) {
        uint8_t c = 'a' + i % 26;

        chardev_write(chr, &c, 1);
        g_string_append_c(want, c);
    }
    out = terminal_output();
    /* Only full queues went out so far, each as a whole. */
    cr_assert_eq(out->len % CHARDEV_OUT_BUF, 0, "%zu", out->len);
    cr_assert_geq(out->len, 2 * CHARDEV_OUT_BUF);
    main_loop_wait(0);
    out = terminal_output();
    cr_assert_eq(out->len, want->len);
    cr_assert(memcmp(out->str, want->str, want->len) == 0, "order kept");
    /* A large write goes straight out after what was queued before it. */
    chardev_write(chr, (const uint8_t *)"<", 1);
    {
        static uint8_t big[3 * CHARDEV_OUT_BUF];

        memset(big, '=', sizeof(big));
        chardev_write(chr, big, sizeof(big));
    }
    chardev_write(chr, (const uint8_t *)">", 1);
    main_loop_wait(0);
    out = terminal_output();
    cr_assert_eq(out->len, want->len + 2 + 3 * CHARDEV_OUT_BUF);
    cr_assert_eq(out->str[want->len], '<');
    cr_assert_eq(out->str[want->len + 1], '=');
    cr_assert_eq(out->str[out->len - 1], '>');
    g_string_free(want, TRUE);
}

Test(chardev, file_backend_writes)
{
    char path[] = "/tmp/mimic-chardev-XXXXXX";
    int fd = mkstemp(path);
    g_autofree char *spec = g_strdup_printf("file:%s", path);
    GError *err = NULL;
    Chardev *chr = chardev_new_from_spec("serial0", spec, &err);
    g_autofree gchar *contents = NULL;

    close(fd);
    cr_assert_not_null(chr, "%s", err ? err->message : "");
    cr_assert_eq(chardev_write(chr, (const uint8_t *)"Linux version", 13), 13);
    chardev_flush_all();
    cr_assert(g_file_get_contents(path, &contents, NULL, NULL));
    cr_assert_str_eq(contents, "Linux version");
    unlink(path);
}

Test(chardev, null_and_lookup_and_info)
{
    GError *err = NULL;
    Chardev *a = chardev_new_from_opts("null,id=n0", &err);
    Chardev *b = chardev_new_from_spec("serial3", "chardev:n0", &err);
    char *text = NULL;
    size_t len = 0;
    FILE *f;

    cr_assert_not_null(a);
    cr_assert_eq(b, a, "chardev:ID refers to the existing one");
    cr_assert_eq(chardev_find("n0"), a);
    cr_assert_eq(chardev_write(a, (const uint8_t *)"zz", 2), 2);
    cr_assert_str_eq(chardev_label(a), "n0");
    f = open_memstream(&text, &len);
    chardev_info(f);
    fclose(f);
    cr_assert_not_null(strstr(text, "n0: filename=null"), "%s", text);
    free(text);
}

static void expect_error(const char *spec, bool opts, const char *needle)
{
    GError *err = NULL;
    Chardev *chr = opts ? chardev_new_from_opts(spec, &err)
                        : chardev_new_from_spec(NULL, spec, &err);

    cr_assert_null(chr, "'%s' accepted", spec);
    cr_assert_not_null(err);
    cr_assert_not_null(strstr(err->message, needle), "'%s': %s", spec, err->message);
    g_error_free(err);
}

Test(chardev, bad_specs)
{
    expect_error("vc", false, "unsupported character device");
    expect_error("file:", false, "needs a path");
    expect_error("tcp:nohost", false, "HOST:PORT");
    expect_error("chardev:nope", false, "no chardev");
    expect_error("unix:/tmp/x,bogus", false, "unknown option");
    expect_error("unix:/nonexistent-dir/sock", false, "cannot connect");
    expect_error("file:/nonexistent-dir/out", false, "cannot open");
    expect_error("null", true, "id= is required");
    expect_error("pipe,id=p", true, "unsupported back end");
    expect_error("file,id=f", true, "path= is required");
    expect_error("socket,id=s", true, "path= or host=");
    expect_error("socket,id=s,path=/tmp/x,server=maybe", true, "on/off");
    cr_assert_not_null(chardev_new_from_opts("null,id=dup", NULL));
    expect_error("null,id=dup", true, "duplicate");
}

static bool rx_nonempty(void *opaque)
{
    return ((FakeUart *)opaque)->rx->len > 0;
}

Test(chardev_socket, unix_server_nowait)
{
    g_autofree char *path = g_strdup_printf("/tmp/mimic-test-%d.sock", (int)getpid());
    g_autofree char *spec = g_strdup_printf("unix:%s,server,nowait", path);
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    GError *err = NULL;
    Chardev *chr;
    FakeUart *u = fake_new(1000);
    char buf[16] = { 0 };
    int c;

    main_loop_init();
    chr = chardev_new_from_spec("serial0", spec, &err);
    cr_assert_not_null(chr, "%s", err ? err->message : "");
    chardev_set_frontend(chr, &fake_ops, u);
    /* Output with nobody connected is dropped, never blocks. */
    cr_assert_eq(chardev_write(chr, (const uint8_t *)"lost", 4), 4);
    c = socket(AF_UNIX, SOCK_STREAM, 0);
    strcpy(sun.sun_path, path);
    cr_assert_eq(connect(c, (struct sockaddr *)&sun, sizeof(sun)), 0);
    run_a_bit();
    cr_assert_eq(u->events[u->nr_events - 1], CHR_EVENT_OPENED);
    cr_assert_eq(write(c, "ping", 4), 4);
    run_until(rx_nonempty, u);
    cr_assert_str_eq(u->rx->str, "ping");
    chardev_write(chr, (const uint8_t *)"pong", 4);
    main_loop_wait(0);
    cr_assert_eq(read(c, buf, sizeof(buf)), 4);
    cr_assert_str_eq(buf, "pong");
    close(c);
    run_a_bit();
    cr_assert_eq(u->events[u->nr_events - 1], CHR_EVENT_CLOSED);
    /* A second client is accepted after the first left. */
    c = socket(AF_UNIX, SOCK_STREAM, 0);
    cr_assert_eq(connect(c, (struct sockaddr *)&sun, sizeof(sun)), 0);
    run_a_bit();
    cr_assert_eq(u->events[u->nr_events - 1], CHR_EVENT_OPENED);
    close(c);
    unlink(path);
}

Test(chardev_socket, tcp_client)
{
    struct sockaddr_in sin = { .sin_family = AF_INET };
    socklen_t sl = sizeof(sin);
    int l = socket(AF_INET, SOCK_STREAM, 0), c;
    g_autofree char *spec = NULL;
    GError *err = NULL;
    Chardev *chr;
    FakeUart *u = fake_new(1000);
    char buf[8] = { 0 };

    main_loop_init();
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    cr_assert_eq(bind(l, (struct sockaddr *)&sin, sizeof(sin)), 0);
    cr_assert_eq(listen(l, 1), 0);
    getsockname(l, (struct sockaddr *)&sin, &sl);
    spec = g_strdup_printf("tcp:127.0.0.1:%d", ntohs(sin.sin_port));
    chr = chardev_new_from_spec("serial0", spec, &err);
    cr_assert_not_null(chr, "%s", err ? err->message : "");
    c = accept(l, NULL, NULL);
    cr_assert_geq(c, 0);
    chardev_set_frontend(chr, &fake_ops, u);
    cr_assert_eq(write(c, "hi", 2), 2);
    run_until(rx_nonempty, u);
    cr_assert_str_eq(u->rx->str, "hi");
    chardev_write(chr, (const uint8_t *)"ok", 2);
    main_loop_wait(0);
    cr_assert_eq(read(c, buf, sizeof(buf)), 2);
    cr_assert_str_eq(buf, "ok");
    close(c);
    close(l);
}

Test(chardev, pty_backend)
{
    GError *err = NULL;
    Chardev *chr;
    FakeUart *u = fake_new(1000);
    const char *name;
    char buf[8] = { 0 };
    int s;

    main_loop_init();
    chr = chardev_new_from_spec("serial0", "pty", &err);
    cr_assert_not_null(chr, "%s", err ? err->message : "");
    chardev_set_frontend(chr, &fake_ops, u);
    /* Nobody attached yet: output is dropped and input polling must not spin. */
    cr_assert_eq(chardev_write(chr, (const uint8_t *)"early", 5), 5);
    run_a_bit();
    {
        char *text = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&text, &len);

        chardev_info(f);
        fclose(f);
        name = strstr(text, "pty:");
        cr_assert_not_null(name, "%s", text);
        name += 4;
        *strchr(text, '\n') = '\0';
        s = open(name, O_RDWR | O_NOCTTY);
        cr_assert_geq(s, 0, "open %s", name);
        free(text);
    }
    cr_assert_eq(write(s, "in", 2), 2);
    run_until(rx_nonempty, u);
    cr_assert_str_eq(u->rx->str, "in");
    chardev_write(chr, (const uint8_t *)"out", 3);
    usleep(10000);
    {
        ssize_t n = read(s, buf, sizeof(buf));

        cr_assert_geq(n, 3);
        cr_assert(memmem(buf, n, "out", 3) != NULL);
    }
    close(s);
}

Test(chardev_mux, detach_frontend)
{
    FakeUart *a, *b;
    Chardev *mux;

    setup_stdio_pipes();
    mux = chardev_stdio_mux();
    a = fake_new(1000);
    b = fake_new(1000);
    chardev_set_frontend(mux, &fake_ops, a);
    chardev_mux_add_frontend(mux, &fake_ops, b);
    chardev_set_frontend(mux, NULL, NULL);   /* the UART goes away */
    TYPE("m");
    want_len = 1;
    run_until(rx_has_len, b);
    cr_assert_str_eq(b->rx->str, "m", "input goes to the remaining front end");
    cr_assert_eq(a->rx->len, 0);
    g_string_free(a->rx, TRUE);     /* detached: nothing refers to it any more */
    g_free(a);
}
