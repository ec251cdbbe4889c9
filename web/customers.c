/*
 * customers.c: customers in the browser: the list of those one may see
 * (with a search over numbers, names and accounts), a new customer with
 * its accounts, another account linked.  Thin: the archive checks and
 * validates (arc_customer_list, arc_customer_add, arc_account_link).
 * Exports web_h_customers, web_h_customer_add, web_h_account_link.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

#define MAX_ACCOUNTS 64

/* GET /api/customers?q=&mine=1&limit=&offset= */
void
web_h_customers(struct web_req *q, struct web_resp *r)
{
	struct arc_customer_filter f;
	json_t *j = NULL;
	char msg[512] = "";
	const char *s;
	enum dos_err err;

	memset(&f, 0, sizeof(f));
	if (!web_int_arg(q, "limit", 50, 1, 500, &f.limit) ||
	    !web_int_arg(q, "offset", 0, 0, 100000, &f.offset) ||
	    !web_int_arg(q, "mine", 0, 0, 1, &f.mine)) {
		web_error(r, 400, "limit must be 1-500, offset 0-100000 and "
				  "mine 0 or 1");
		return;
	}
	s = web_arg(q, "q");
	if (s != NULL && strlen(s) > 200) {
		web_error(r, 400, "the search is longer than 200 characters");
		return;
	}
	f.filter = s;
	err = arc_customer_list(q->arc, &q->user, &f, &j, msg, sizeof(msg));
	web_result(r, err, j, msg);
}

/* POST /api/customers {"number","name","type","unit","manager",
 * "address","phone","notes","accounts":[...]} */
void
web_h_customer_add(struct web_req *q, struct web_resp *r)
{
	struct arc_customer_in c;
	const char *accs[MAX_ACCOUNTS];
	char msg[512] = "";
	json_t *j, *list, *v, *res;
	size_t i;
	enum dos_err err;

	if ((j = web_body(q, r)) == NULL)
		return;
	memset(&c, 0, sizeof(c));
	c.number = web_jstr(j, "number");
	c.name = web_jstr(j, "name");
	c.type = web_jstr(j, "type");
	c.unit = web_jstr(j, "unit");
	c.manager = web_jstr(j, "manager");
	c.address = web_jstr(j, "address");
	c.phone = web_jstr(j, "phone");
	c.notes = web_jstr(j, "notes");
	list = json_object_get(j, "accounts");
	if (list != NULL && (!json_is_array(list) ||
			     json_array_size(list) > MAX_ACCOUNTS)) {
		snprintf(msg, sizeof(msg), "accounts is a list of at most %d "
			 "account numbers", MAX_ACCOUNTS);
		web_error(r, 400, msg);
		json_decref(j);
		return;
	}
	json_array_foreach(list, i, v) {
		if (!json_is_string(v)) {
			web_error(r, 400, "accounts is a list of account "
					  "numbers");
			json_decref(j);
			return;
		}
		accs[i] = json_string_value(v);
	}
	c.accounts = accs;
	c.naccounts = json_array_size(list);
	err = arc_customer_add(q->arc, &q->user, &c, msg, sizeof(msg));
	if (err == DOS_OK) {
		snprintf(msg, sizeof(msg), "customer %s added", c.number);
		res = json_pack("{s:s,s:s}", "number", c.number, "message",
				msg);
		web_json(r, 201, res);
		json_decref(res);
	} else
		web_err(r, err, msg);
	json_decref(j);
}

/* POST /api/customers/NUMBER/accounts {"account"} */
void
web_h_account_link(struct web_req *q, struct web_resp *r)
{
	char msg[512] = "";
	json_t *j;
	const char *acc;
	enum dos_err err;

	if ((j = web_body(q, r)) == NULL)
		return;
	acc = web_jstr(j, "account");
	err = arc_account_link(q->arc, &q->user, q->param, acc, msg,
			       sizeof(msg));
	if (err == DOS_OK)
		snprintf(msg, sizeof(msg), "account %s linked to customer %s",
			 acc, q->param);
	web_outcome(r, err, msg);
	json_decref(j);
}
