/*
 * QMP, the machine protocol (QEMU's "QEMU Machine Protocol" as documented in
 * docs/interop/qmp-spec of QEMU): JSON objects over a chardev, parsed and built with
 * json-glib. The server greets, waits for qmp_capabilities, then answers
 * {"execute": CMD, "arguments": {...}, "id": ...} with {"return": ...} or
 * {"error": {"class", "desc"}} and sends events {"event", "data", "timestamp"}.
 *
 * Commands: qmp_capabilities, query-status, stop, cont, system_reset,
 * system_powerdown, quit, query-cpus-fast, human-monitor-command, query-commands,
 * query-version, and snapshot-save / snapshot-load / snapshot-delete as jobs
 * (query-jobs, job-dismiss) with JOB_STATUS_CHANGE events. Their "devices" are
 * block device names as `info block` shows them (QEMU takes node names) and must
 * list every writable disk; "vmstate" names the disk that keeps the VM state.
 *
 * Events: STOP, RESUME and SHUTDOWN follow the run state, which is sampled every
 * 10 ms of host time (the run-state code has no notifier list) and once more at exit;
 * RESET follows every reset the main loop carries out (the run-state code's reset
 * notifier), asked for by the guest (guest: true) or a monitor.
 */
#include "qemu/osdep.h"
#include "sysemu/watchdog.h"
#include <json-glib/json-glib.h>
#include <unistd.h>
#include "monitor/monitor.h"
#include "migration/savevm.h"
#include "chardev/char.h"
#include "hw/core/cpu.h"
#include "qemu/timer.h"
#include "sysemu/runstate.h"
#include "sysemu/vl.h"
#include "hw/boards.h"
#include "monitor-internal.h"

#define QMP_POLL_NS (10 * 1000 * 1000)
#define QMP_MAX_OBJECT (1024 * 1024)

typedef struct QmpJob {
    char *id;
    char *type;          /* "snapshot-save" ... */
    char *tag;
    char *vmstate;       /* the disk that keeps the VM state (QMP "vmstate") */
    char **devices;      /* the disks to snapshot (QMP "devices") */
    char *status;
    char *error;         /* NULL on success */
} QmpJob;

struct QmpMonitor {
    Chardev *chr;
    bool connected;
    bool negotiated;      /* qmp_capabilities done */
    GString *in;
    int depth;
    bool in_string, escaped;
    bool junk;            /* non-JSON text seen since the last value */
};

static GPtrArray *qmp_monitors;
static GPtrArray *qmp_jobs;
static RunState qmp_last_state = RUN_STATE_PRELAUNCH;
static Timer *qmp_poll_timer;
static Timer *qmp_job_timer;
static bool qmp_quit_requested;

typedef struct QmpMonitor QmpMonitor;

/* ---- output ---- */

static void qmp_send_node(QmpMonitor *qm, JsonNode *node)
{
    g_autofree char *s = json_to_string(node, FALSE);

    if (!qm->connected) {
        return;
    }
    chardev_write(qm->chr, (const uint8_t *)s, strlen(s));
    chardev_write(qm->chr, (const uint8_t *)"\r\n", 2);
}

static void qmp_send_builder(QmpMonitor *qm, JsonBuilder *b)
{
    JsonNode *node = json_builder_get_root(b);

    qmp_send_node(qm, node);
    json_node_unref(node);
}

/* Send an event to every negotiated client; data is consumed (may be NULL). */
static void qmp_event(const char *name, JsonNode *data)
{
    gint64 now = g_get_real_time();

    for (guint i = 0; qmp_monitors && i < qmp_monitors->len; i++) {
        QmpMonitor *qm = g_ptr_array_index(qmp_monitors, i);
        g_autoptr(JsonBuilder) b = NULL;

        if (!qm->negotiated) {
            continue;
        }
        b = json_builder_new();
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "event");
        json_builder_add_string_value(b, name);
        if (data) {
            json_builder_set_member_name(b, "data");
            json_builder_add_value(b, json_node_copy(data));
        }
        json_builder_set_member_name(b, "timestamp");
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "seconds");
        json_builder_add_int_value(b, now / G_USEC_PER_SEC);
        json_builder_set_member_name(b, "microseconds");
        json_builder_add_int_value(b, now % G_USEC_PER_SEC);
        json_builder_end_object(b);
        json_builder_end_object(b);
        qmp_send_builder(qm, b);
    }
    if (data) {
        json_node_unref(data);
    }
}

static void qmp_send_return(QmpMonitor *qm, JsonNode *id, JsonNode *value)
{
    g_autoptr(JsonBuilder) b = json_builder_new();

    json_builder_begin_object(b);
    json_builder_set_member_name(b, "return");
    if (value) {
        json_builder_add_value(b, value);
    } else {
        json_builder_begin_object(b);
        json_builder_end_object(b);
    }
    if (id) {
        json_builder_set_member_name(b, "id");
        json_builder_add_value(b, json_node_copy(id));
    }
    json_builder_end_object(b);
    qmp_send_builder(qm, b);
}

static void qmp_send_error(QmpMonitor *qm, JsonNode *id, const char *cls, const char *desc)
{
    g_autoptr(JsonBuilder) b = json_builder_new();

    json_builder_begin_object(b);
    json_builder_set_member_name(b, "error");
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "class");
    json_builder_add_string_value(b, cls);
    json_builder_set_member_name(b, "desc");
    json_builder_add_string_value(b, desc);
    json_builder_end_object(b);
    if (id) {
        json_builder_set_member_name(b, "id");
        json_builder_add_value(b, json_node_copy(id));
    }
    json_builder_end_object(b);
    qmp_send_builder(qm, b);
}

static void qmp_greet(QmpMonitor *qm)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    g_auto(GStrv) v = g_strsplit(vl_version_string(), ".", 3);

    json_builder_begin_object(b);
    json_builder_set_member_name(b, "QMP");
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "version");
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "qemu");
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "major");
    json_builder_add_int_value(b, v[0] ? g_ascii_strtoll(v[0], NULL, 10) : 0);
    json_builder_set_member_name(b, "minor");
    json_builder_add_int_value(b, v[0] && v[1] ? g_ascii_strtoll(v[1], NULL, 10) : 0);
    json_builder_set_member_name(b, "micro");
    json_builder_add_int_value(b, v[0] && v[1] && v[2] ? g_ascii_strtoll(v[2], NULL, 10) : 0);
    json_builder_end_object(b);
    json_builder_set_member_name(b, "package");
    json_builder_add_string_value(b, "mimic");
    json_builder_end_object(b);
    json_builder_set_member_name(b, "capabilities");
    json_builder_begin_array(b);
    json_builder_end_array(b);
    json_builder_end_object(b);
    json_builder_end_object(b);
    qmp_send_builder(qm, b);
}

/* ---- run-state events ---- */

static void qmp_poll_state(void *opaque)
{
    RunState s = runstate_get();

    if (s != qmp_last_state) {
        if (s == RUN_STATE_RUNNING) {
            qmp_event("RESUME", NULL);
        } else if (qmp_last_state == RUN_STATE_RUNNING) {
            qmp_event("STOP", NULL);
        }
        qmp_last_state = s;
    }
    timer_mod(qmp_poll_timer, clock_get_ns(CLOCK_REALTIME) + QMP_POLL_NS);
}

static JsonNode *qmp_shutdown_data(bool guest, const char *reason)
{
    g_autoptr(JsonBuilder) b = json_builder_new();

    json_builder_begin_object(b);
    json_builder_set_member_name(b, "guest");
    json_builder_add_boolean_value(b, guest);
    json_builder_set_member_name(b, "reason");
    json_builder_add_string_value(b, reason);
    json_builder_end_object(b);
    return json_builder_get_root(b);
}

static void qmp_at_exit(void)
{
    if (runstate_get() == RUN_STATE_SHUTDOWN) {
        if (qmp_last_state == RUN_STATE_RUNNING) {
            qmp_event("STOP", NULL);
        }
        qmp_event("SHUTDOWN", qmp_shutdown_data(!qmp_quit_requested,
                                                qmp_quit_requested ? "host-qmp-quit"
                                                                   : "guest-shutdown"));
    }
}

/* Every reset the main loop carries out, whoever asked: QEMU's RESET event. */
static void qmp_reset_done(void *opaque, ShutdownCause cause)
{
    static const char *const reasons[] = {
        [SHUTDOWN_CAUSE_NONE] = "none",
        [SHUTDOWN_CAUSE_HOST_QMP] = "host-qmp-system-reset",
        [SHUTDOWN_CAUSE_HOST_SIGNAL] = "host-signal",
        [SHUTDOWN_CAUSE_HOST_UI] = "host-ui",
        [SHUTDOWN_CAUSE_GUEST_SHUTDOWN] = "guest-shutdown",
        [SHUTDOWN_CAUSE_GUEST_RESET] = "guest-reset",
        [SHUTDOWN_CAUSE_GUEST_PANIC] = "guest-panic",
    };
    const char *reason = (unsigned)cause < G_N_ELEMENTS(reasons) && reasons[cause] ?
        reasons[cause] : "none";

    qmp_event("RESET", qmp_shutdown_data(cause >= SHUTDOWN_CAUSE_GUEST_SHUTDOWN, reason));
}

/* A guest's panic report (pvpanic): QEMU's GUEST_PANICKED, with what follows. */
static void qmp_guest_panicked(PanicAction action)
{
    g_autoptr(JsonBuilder) b = json_builder_new();

    json_builder_begin_object(b);
    json_builder_set_member_name(b, "action");
    json_builder_add_string_value(b, action == PANIC_ACTION_PAUSE ? "pause" :
                                     action == PANIC_ACTION_NONE ? "run" : "poweroff");
    json_builder_end_object(b);
    qmp_event("GUEST_PANICKED", json_builder_get_root(b));
}

/* A watchdog expired: QEMU's WATCHDOG event, with the action taken. */
static void qmp_watchdog(WatchdogAction action)
{
    g_autoptr(JsonBuilder) b = json_builder_new();

    json_builder_begin_object(b);
    json_builder_set_member_name(b, "action");
    json_builder_add_string_value(b, watchdog_action_name(action));
    json_builder_end_object(b);
    qmp_event("WATCHDOG", json_builder_get_root(b));
}

void qmp_notify_quit(void)
{
    qmp_quit_requested = true;
}

/* ---- jobs ---- */

static QmpJob *qmp_job_find(const char *id)
{
    for (guint i = 0; qmp_jobs && i < qmp_jobs->len; i++) {
        QmpJob *j = g_ptr_array_index(qmp_jobs, i);

        if (!strcmp(j->id, id)) {
            return j;
        }
    }
    return NULL;
}

static void qmp_job_free(gpointer p)
{
    QmpJob *j = p;

    g_free(j->id);
    g_free(j->type);
    g_free(j->tag);
    g_free(j->vmstate);
    g_strfreev(j->devices);
    g_free(j->status);
    g_free(j->error);
    g_free(j);
}

static void qmp_job_set_status(QmpJob *j, const char *status)
{
    g_autoptr(JsonBuilder) b = json_builder_new();

    g_free(j->status);
    j->status = g_strdup(status);
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "status");
    json_builder_add_string_value(b, status);
    json_builder_set_member_name(b, "id");
    json_builder_add_string_value(b, j->id);
    json_builder_end_object(b);
    qmp_event("JOB_STATUS_CHANGE", json_builder_get_root(b));
}

/* Jobs run from a timer, after the command's return has gone out, as in QEMU. */
static void qmp_jobs_run(void *opaque)
{
    for (guint i = 0; qmp_jobs && i < qmp_jobs->len; i++) {
        QmpJob *j = g_ptr_array_index(qmp_jobs, i);
        GError *err = NULL;
        bool ok, was_running;

        if (strcmp(j->status, "created") != 0) {
            continue;
        }
        qmp_job_set_status(j, "running");
        /* The machine stops around the work: clients see STOP and RESUME, as the
         * same job in QEMU shows them. */
        was_running = runstate_is_running();
        if (was_running) {
            vm_stop(RUN_STATE_PAUSED);
            qmp_poll_state(NULL);
        }
        if (!strcmp(j->type, "snapshot-save")) {
            ok = savevm_snapshot_save_devices(j->tag, j->vmstate,
                                              (const char *const *)j->devices, &err);
        } else if (!strcmp(j->type, "snapshot-load")) {
            ok = savevm_snapshot_load_devices(j->tag, j->vmstate,
                                              (const char *const *)j->devices, &err);
        } else {
            ok = savevm_snapshot_delete_devices(j->tag, (const char *const *)j->devices,
                                                &err);
        }
        if (!ok) {
            j->error = g_strdup(err->message);
            g_error_free(err);
        }
        if (was_running && runstate_get() == RUN_STATE_PAUSED) {
            vm_start();
        }
        qmp_poll_state(NULL);
        qmp_job_set_status(j, "waiting");
        qmp_job_set_status(j, "pending");
        if (!ok) {
            qmp_job_set_status(j, "aborting");
        }
        qmp_job_set_status(j, "concluded");
    }
}

/* ---- commands ---- */

static const char *qmp_arg_str(JsonObject *args, const char *name)
{
    JsonNode *n = args ? json_object_get_member(args, name) : NULL;

    if (!n || JSON_NODE_TYPE(n) != JSON_NODE_VALUE ||
        json_node_get_value_type(n) != G_TYPE_STRING) {
        return NULL;
    }
    return json_node_get_string(n);
}

static JsonNode *qmp_query_status(void)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    RunState s = runstate_get();

    json_builder_begin_object(b);
    json_builder_set_member_name(b, "running");
    json_builder_add_boolean_value(b, s == RUN_STATE_RUNNING);
    json_builder_set_member_name(b, "singlestep");
    json_builder_add_boolean_value(b, false);
    json_builder_set_member_name(b, "status");
    json_builder_add_string_value(b, runstate_name(s));
    json_builder_end_object(b);
    return json_builder_get_root(b);
}

static JsonNode *qmp_query_cpus_fast(void)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    CPUState *cpu;

    json_builder_begin_array(b);
    CPU_FOREACH(cpu) {
        g_autofree char *path = g_strdup_printf("/machine/unattached/device[%d]",
                                                cpu->cpu_index);

        json_builder_begin_object(b);
        json_builder_set_member_name(b, "cpu-index");
        json_builder_add_int_value(b, cpu->cpu_index);
        json_builder_set_member_name(b, "qom-path");
        json_builder_add_string_value(b, path);
        json_builder_set_member_name(b, "thread-id");
        json_builder_add_int_value(b, getpid());
        json_builder_set_member_name(b, "target");
        json_builder_add_string_value(b, cpu->cc->arch_name);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    return json_builder_get_root(b);
}

static JsonNode *qmp_query_jobs(void)
{
    g_autoptr(JsonBuilder) b = json_builder_new();

    json_builder_begin_array(b);
    for (guint i = 0; qmp_jobs && i < qmp_jobs->len; i++) {
        QmpJob *j = g_ptr_array_index(qmp_jobs, i);
        bool done = !strcmp(j->status, "concluded");

        json_builder_begin_object(b);
        json_builder_set_member_name(b, "id");
        json_builder_add_string_value(b, j->id);
        json_builder_set_member_name(b, "type");
        json_builder_add_string_value(b, j->type);
        json_builder_set_member_name(b, "status");
        json_builder_add_string_value(b, j->status);
        json_builder_set_member_name(b, "current-progress");
        json_builder_add_int_value(b, done ? 1 : 0);
        json_builder_set_member_name(b, "total-progress");
        json_builder_add_int_value(b, 1);
        if (j->error) {
            json_builder_set_member_name(b, "error");
            json_builder_add_string_value(b, j->error);
        }
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    return json_builder_get_root(b);
}

static const char *const qmp_command_names[] = {
    "qmp_capabilities", "query-status", "stop", "cont", "system_reset",
    "system_powerdown", "quit", "query-cpus-fast", "human-monitor-command",
    "snapshot-save", "snapshot-load", "snapshot-delete", "query-jobs", "job-dismiss",
    "query-commands", "query-version", "migrate", "query-uuid",
};

static void qmp_start_job(QmpMonitor *qm, JsonNode *id, const char *type,
                          JsonObject *args)
{
    const char *job_id = qmp_arg_str(args, "job-id");
    const char *tag = qmp_arg_str(args, "tag");
    JsonNode *devs = args ? json_object_get_member(args, "devices") : NULL;
    JsonArray *arr;
    QmpJob *j;

    if (!job_id || !tag || (strcmp(type, "snapshot-delete") && !qmp_arg_str(args, "vmstate"))
        || !devs || JSON_NODE_TYPE(devs) != JSON_NODE_ARRAY) {
        qmp_send_error(qm, id, "GenericError", strcmp(type, "snapshot-delete") ?
                       "parameters 'job-id', 'tag', 'vmstate' and 'devices' are required"
                       : "parameters 'job-id', 'tag' and 'devices' are required");
        return;
    }
    if (qmp_job_find(job_id)) {
        g_autofree char *msg = g_strdup_printf("Job ID '%s' already in use", job_id);

        qmp_send_error(qm, id, "GenericError", msg);
        return;
    }
    arr = json_node_get_array(devs);
    for (guint i = 0; i < json_array_get_length(arr); i++) {
        JsonNode *d = json_array_get_element(arr, i);

        if (JSON_NODE_TYPE(d) != JSON_NODE_VALUE ||
            json_node_get_value_type(d) != G_TYPE_STRING) {
            qmp_send_error(qm, id, "GenericError",
                           "'devices' must be a list of block device names");
            return;
        }
    }
    if (!qmp_jobs) {
        qmp_jobs = g_ptr_array_new_with_free_func(qmp_job_free);
    }
    j = g_new0(QmpJob, 1);
    j->id = g_strdup(job_id);
    j->type = g_strdup(type);
    j->tag = g_strdup(tag);
    j->vmstate = g_strdup(qmp_arg_str(args, "vmstate"));
    j->devices = g_new0(char *, json_array_get_length(arr) + 1);
    for (guint i = 0; i < json_array_get_length(arr); i++) {
        j->devices[i] = g_strdup(json_array_get_string_element(arr, i));
    }
    g_ptr_array_add(qmp_jobs, j);
    qmp_job_set_status(j, "created");
    qmp_send_return(qm, id, NULL);
    timer_mod(qmp_job_timer, clock_get_ns(CLOCK_REALTIME));
}

static void qmp_dispatch(QmpMonitor *qm, const char *cmd, JsonObject *args, JsonNode *id)
{
    if (!strcmp(cmd, "qmp_capabilities")) {
        if (qm->negotiated) {
            qmp_send_error(qm, id, "CommandNotFound", "Capabilities negotiation is "
                           "already complete, command ignored");
            return;
        }
        qm->negotiated = true;
        qmp_send_return(qm, id, NULL);
        return;
    }
    if (!qm->negotiated) {
        qmp_send_error(qm, id, "CommandNotFound", "Expecting capabilities negotiation "
                       "with 'qmp_capabilities'");
        return;
    }
    if (!strcmp(cmd, "query-status")) {
        qmp_send_return(qm, id, qmp_query_status());
    } else if (!strcmp(cmd, "stop")) {
        if (runstate_is_running()) {
            vm_stop(RUN_STATE_PAUSED);
        }
        qmp_send_return(qm, id, NULL);
        qmp_poll_state(NULL);
    } else if (!strcmp(cmd, "cont")) {
        RunState s = runstate_get();

        if (s == RUN_STATE_SHUTDOWN || s == RUN_STATE_INTERNAL_ERROR) {
            qmp_send_error(qm, id, "GenericError",
                           "Resetting the Virtual Machine is required");
            return;
        }
        vm_start();
        qmp_send_return(qm, id, NULL);
        qmp_poll_state(NULL);
    } else if (!strcmp(cmd, "system_reset")) {
        qemu_system_reset_request(SHUTDOWN_CAUSE_HOST_QMP);
        qmp_send_return(qm, id, NULL);
    } else if (!strcmp(cmd, "system_powerdown")) {
        qemu_system_powerdown_request();
        qmp_send_return(qm, id, NULL);
        qmp_event("POWERDOWN", NULL);
    } else if (!strcmp(cmd, "quit")) {
        qmp_quit_requested = true;
        qmp_send_return(qm, id, NULL);
        qemu_system_shutdown_request(SHUTDOWN_CAUSE_HOST_QMP);
    } else if (!strcmp(cmd, "query-cpus-fast")) {
        qmp_send_return(qm, id, qmp_query_cpus_fast());
    } else if (!strcmp(cmd, "human-monitor-command")) {
        const char *line = qmp_arg_str(args, "command-line");
        char *text = NULL;
        size_t len = 0;
        FILE *out;

        if (!line) {
            qmp_send_error(qm, id, "GenericError",
                           "Parameter 'command-line' is missing");
            return;
        }
        out = open_memstream(&text, &len);
        if (!out) {
            qmp_send_error(qm, id, "GenericError", "out of memory");
            return;
        }
        hmp_execute(line, out);
        fclose(out);
        {
            JsonNode *n = json_node_new(JSON_NODE_VALUE);

            json_node_set_string(n, text);
            qmp_send_return(qm, id, n);
        }
        free(text);
        qmp_poll_state(NULL);
    } else if (!strcmp(cmd, "snapshot-save") || !strcmp(cmd, "snapshot-load") ||
               !strcmp(cmd, "snapshot-delete")) {
        qmp_start_job(qm, id, cmd, args);
    } else if (!strcmp(cmd, "migrate")) {
        const char *uri = qmp_arg_str(args, "uri");
        GError *err = NULL;

        if (!uri) {
            qmp_send_error(qm, id, "GenericError", "Parameter 'uri' is missing");
        } else if (!savevm_migrate_out(uri, &err)) {
            qmp_send_error(qm, id, "GenericError", err->message);
            g_error_free(err);
        } else {
            qmp_send_return(qm, id, NULL);
        }
        qmp_poll_state(NULL);
    } else if (!strcmp(cmd, "query-jobs")) {
        qmp_send_return(qm, id, qmp_query_jobs());
    } else if (!strcmp(cmd, "job-dismiss")) {
        const char *jid = qmp_arg_str(args, "id");
        QmpJob *j = jid ? qmp_job_find(jid) : NULL;

        if (!j) {
            g_autofree char *msg = g_strdup_printf("Job '%s' not found", jid ? jid : "");

            qmp_send_error(qm, id, "GenericError", msg);
        } else if (strcmp(j->status, "concluded") != 0) {
            g_autofree char *msg = g_strdup_printf("Job '%s' in state '%s' cannot "
                                                   "accept command verb 'dismiss'",
                                                   j->id, j->status);

            qmp_send_error(qm, id, "GenericError", msg);
        } else {
            qmp_job_set_status(j, "null");
            g_ptr_array_remove(qmp_jobs, j);
            qmp_send_return(qm, id, NULL);
        }
    } else if (!strcmp(cmd, "query-commands")) {
        g_autoptr(JsonBuilder) b = json_builder_new();

        json_builder_begin_array(b);
        for (size_t i = 0; i < ARRAY_SIZE(qmp_command_names); i++) {
            json_builder_begin_object(b);
            json_builder_set_member_name(b, "name");
            json_builder_add_string_value(b, qmp_command_names[i]);
            json_builder_end_object(b);
        }
        json_builder_end_array(b);
        qmp_send_return(qm, id, json_builder_get_root(b));
    } else if (!strcmp(cmd, "query-uuid")) {
        g_autoptr(JsonBuilder) b = json_builder_new();
        char text[MACHINE_UUID_TEXT_LEN];

        machine_uuid_format(current_machine, text);
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "UUID");
        json_builder_add_string_value(b, text);
        json_builder_end_object(b);
        qmp_send_return(qm, id, json_builder_get_root(b));
    } else if (!strcmp(cmd, "query-version")) {
        g_autoptr(JsonParser) p = json_parser_new();
        g_autofree char *s = NULL;
        g_auto(GStrv) v = g_strsplit(vl_version_string(), ".", 3);

        s = g_strdup_printf("{\"qemu\": {\"major\": %d, \"minor\": %d, \"micro\": %d}, "
                            "\"package\": \"mimic\"}",
                            v[0] ? atoi(v[0]) : 0, v[0] && v[1] ? atoi(v[1]) : 0,
                            v[0] && v[1] && v[2] ? atoi(v[2]) : 0);
        json_parser_load_from_data(p, s, -1, NULL);
        qmp_send_return(qm, id, json_node_copy(json_parser_get_root(p)));
    } else {
        g_autofree char *msg = g_strdup_printf("The command %s has not been found", cmd);

        qmp_send_error(qm, id, "CommandNotFound", msg);
    }
}

static void qmp_handle_object(QmpMonitor *qm, const char *text)
{
    g_autoptr(JsonParser) p = json_parser_new();
    GError *err = NULL;
    JsonNode *root, *id = NULL, *exec, *args_node;
    JsonObject *obj, *args = NULL;

    if (!json_parser_load_from_data(p, text, -1, &err)) {
        g_autofree char *msg = g_strdup_printf("JSON parse error, %s", err->message);

        g_error_free(err);
        qmp_send_error(qm, NULL, "GenericError", msg);
        return;
    }
    root = json_parser_get_root(p);
    if (!root || JSON_NODE_TYPE(root) != JSON_NODE_OBJECT) {
        qmp_send_error(qm, NULL, "GenericError", "QMP input must be a JSON object");
        return;
    }
    obj = json_node_get_object(root);
    id = json_object_get_member(obj, "id");
    exec = json_object_get_member(obj, "execute");
    if (!exec || JSON_NODE_TYPE(exec) != JSON_NODE_VALUE ||
        json_node_get_value_type(exec) != G_TYPE_STRING) {
        qmp_send_error(qm, id, "GenericError",
                       "QMP input lacks member 'execute'");
        return;
    }
    args_node = json_object_get_member(obj, "arguments");
    if (args_node) {
        if (JSON_NODE_TYPE(args_node) != JSON_NODE_OBJECT) {
            qmp_send_error(qm, id, "GenericError",
                           "QMP input member 'arguments' must be an object");
            return;
        }
        args = json_node_get_object(args_node);
    }
    qmp_dispatch(qm, json_node_get_string(exec), args, id);
}

/* Split the byte stream into top-level JSON objects (braces outside strings). */
static void qmp_feed(QmpMonitor *qm, char c)
{
    if (qm->depth == 0 && c != '{' && c != '[') {
        /* Text between values: one error per line of it, not per character. */
        if (!g_ascii_isspace(c)) {
            qm->junk = true;
        } else if (c == '\n' && qm->junk) {
            qm->junk = false;
            qmp_send_error(qm, NULL, "GenericError", "JSON parse error, invalid token");
        }
        return;
    }
    if (qm->depth == 0 && qm->junk) {
        qm->junk = false;
        qmp_send_error(qm, NULL, "GenericError", "JSON parse error, invalid token");
    }
    g_string_append_c(qm->in, c);
    if (qm->in_string) {
        if (qm->escaped) {
            qm->escaped = false;
        } else if (c == '\\') {
            qm->escaped = true;
        } else if (c == '"') {
            qm->in_string = false;
        }
    } else if (c == '"') {
        qm->in_string = true;
    } else if (c == '{' || c == '[') {
        qm->depth++;
    } else if (c == '}' || c == ']') {
        qm->depth--;
    }
    if (qm->depth == 0) {
        qmp_handle_object(qm, qm->in->str);
        g_string_truncate(qm->in, 0);
        qm->in_string = qm->escaped = false;
    } else if (qm->in->len > QMP_MAX_OBJECT) {
        qmp_send_error(qm, NULL, "GenericError", "JSON parse error, object too large");
        g_string_truncate(qm->in, 0);
        qm->depth = 0;
        qm->in_string = qm->escaped = false;
    }
}

static int qmp_can_receive(void *opaque)
{
    return 4096;
}

static void qmp_receive(void *opaque, const uint8_t *buf, int len)
{
    QmpMonitor *qm = opaque;

    for (int i = 0; i < len; i++) {
        qmp_feed(qm, buf[i]);
    }
}

static void qmp_chr_event(void *opaque, int event)
{
    QmpMonitor *qm = opaque;

    if (event == CHR_EVENT_OPENED) {
        qm->connected = true;
        qm->negotiated = false;
        g_string_truncate(qm->in, 0);
        qm->depth = 0;
        qm->in_string = qm->escaped = false;
        qmp_greet(qm);
    } else if (event == CHR_EVENT_CLOSED) {
        qm->connected = false;
        qm->negotiated = false;
    }
}

static const CharFrontendOps qmp_fe_ops = {
    .can_receive = qmp_can_receive,
    .receive = qmp_receive,
    .event = qmp_chr_event,
};

bool qmp_monitor_new(Chardev *chr, GError **errp)
{
    QmpMonitor *qm = g_new0(QmpMonitor, 1);

    if (!qmp_monitors) {
        qmp_monitors = g_ptr_array_new();
        qmp_poll_timer = timer_new_ns(CLOCK_REALTIME, qmp_poll_state, NULL);
        qmp_job_timer = timer_new_ns(CLOCK_REALTIME, qmp_jobs_run, NULL);
        qmp_last_state = runstate_get();
        timer_mod(qmp_poll_timer, clock_get_ns(CLOCK_REALTIME) + QMP_POLL_NS);
        atexit(qmp_at_exit);
        qemu_register_reset_notifier(qmp_reset_done, NULL);
        runstate_set_panic_hook(qmp_guest_panicked);
        watchdog_set_hook(qmp_watchdog);
    }
    qm->chr = chr;
    qm->in = g_string_new(NULL);
    g_ptr_array_add(qmp_monitors, qm);
    chardev_set_frontend(chr, &qmp_fe_ops, qm);
    return true;
}
