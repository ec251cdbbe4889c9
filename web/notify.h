/*
 * notify.h: telling systemd how the service is doing (web/notify.c),
 * private to web/.
 */
#ifndef WEB_NOTIFY_H
#define WEB_NOTIFY_H

/*
 * Sends state ("READY=1", "RELOADING=1", "STOPPING=1", ...) to the
 * service manager at $NOTIFY_SOCKET, as sd_notify(3) does; nothing when
 * the variable is unset.  Returns 0, or -1 when the message was lost.
 */
int notify_systemd(const char *state);

#endif
