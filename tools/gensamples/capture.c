/*
 * capture.c: the capture set (gensamples --capture): the hard pages that
 * customer files really hold, each with ground truth.  Kinds: shaded and
 * faint gray scans at 150-300 dpi, carbon copies (low contrast, blurred,
 * coloured), faxes at 204 x 98 and 204 x 196 (G3, an account number and
 * its Code 39), a Chinese loan-approval form and an English form with
 * large labels, phone photos of a page in perspective on a desk with
 * uneven light, statement tables, and pages upside down or sideways.
 *
 * Two sets that share no seed, no font and no sentence: "tune" (DejaVu and
 * Liberation fonts, WenQuanYi Micro Hei; even-numbered sentences of every
 * pool) for tuning, "eval" (URW Nimbus, C059, P052, URW Gothic; AR PL
 * UMing and WenQuanYi Zen Hei; odd-numbered sentences) held out.
 *
 * Ground truth beyond the classic pages: "amounts" (as printed, e.g.
 * "12,345.67"), "ids" (account, reference, ID and agreement numbers),
 * "barcodes", "dpi" as [x, y], "fonts", and for photos the page's corners.
 * Exports run_capture.
 */
#include "gs.h"

enum ckind {
	CK_SHADED,
	CK_FAINT,
	CK_CARBON,
	CK_FAX_LO,
	CK_FAX_HI,
	CK_FORM_ZH,
	CK_FORM_EN,
	CK_PHOTO,
	CK_TABLE,
	CK_ROTATED,
	CK__MAX
};

static const char *const ck_names[CK__MAX] = {
	"shaded", "faint", "carbon", "fax-204x98", "fax-204x196", "form-zh",
	"form-en", "photo", "table", "rotated"
};

enum { SET_TUNE, SET_EVAL, SET__MAX };
static const char *const set_names[SET__MAX] = { "tune", "eval" };

struct fontset {
	const char *serif[3], *sans[3], *mono[2], *cjk[2];
	int nserif, nsans, nmono, ncjk;
};

static const struct fontset fontsets[SET__MAX] = {
	{ { "DejaVu Serif", "Liberation Serif" }, { "DejaVu Sans", "Liberation Sans" },
	  { "DejaVu Sans Mono", "Liberation Mono" }, { "WenQuanYi Micro Hei" },
	  2, 2, 2, 1 },
	{ { "Nimbus Roman", "C059", "P052" }, { "Nimbus Sans", "URW Gothic" },
	  { "Nimbus Mono PS" }, { "AR PL UMing CN", "WenQuanYi Zen Hei" },
	  3, 2, 1, 2 },
};

/* One capture page being made. */
struct cpage {
	enum ckind kind;
	int set;
	int dpi;                /* rendering resolution, both ways */
	int ydpi;               /* written vertical resolution (faxes) */
	int rotation;
	double skew;
	int lang_chi;
	struct ident id;
	json_t *amounts, *ids, *barcodes, *corners;
	struct sbuf text, flow;
	char fonts[200];
	const char *fmt;        /* written format, for the ground truth */
};

/* ------------------------------------------------------------------ */
/* Text pools: the tune set draws even entries, the eval set odd ones.  */
/*
 * $-codes: $M an amount (recorded), $A the account, $D the date, $B the
 * bank, $C the city, $R a rate, $T a term in months, $F a reference
 * number (recorded).
 */

static const char *const c_subjects[] = {
	"Confirmation of your new repayment plan",
	"Statement of charges for the last quarter",
	"Arrears on your loan account",
	"Renewal of your fixed-term deposit",
	"Outstanding balance on your credit line",
	"Closure of your savings account",
	"Annual review of your overdraft facility",
	"Changes to your standing orders",
};

static const char *const c_sentences[] = {
	"We confirm that a payment of $M was credited to account $A on $D.",
	"Our records show an outstanding balance of $M on your account.",
	"The next instalment of $M falls due on the first working day of the month.",
	"Please arrange for the overdue amount of $M to be paid within fourteen days.",
	"Your deposit of $M will mature on $D and will be renewed unless you tell us otherwise.",
	"Interest of $M was added to your account at a rate of $R per year.",
	"A fee of $M has been charged for the copy statements you requested.",
	"The remaining balance of $M will be transferred to your current account.",
	"When you write to us, please quote the reference $F and your account number.",
	"Your overdraft limit of $M has been renewed for a further twelve months.",
	"We received your letter of $D and have noted the instructions it contains.",
	"The standing order of $M to the payee you named has now been cancelled.",
	"If you have already made this payment, please ignore this letter.",
	"A summary of every payment received is printed overleaf for your records.",
	"Our branch in $C can arrange a meeting with an adviser at a time that suits you.",
	"The agreement runs for $T months from the date of the first payment.",
	"Please sign and return the enclosed copy in the envelope provided.",
	"This letter replaces any earlier notice about the same account.",
	"We will write to you again before any change takes effect.",
	"Should your circumstances change, our advisers are ready to help.",
};

static const char *const c_items[] = {
	"Card payment, supermarket", "Salary credit", "Standing order, rent",
	"Direct debit, electricity", "Cash withdrawal", "Transfer from savings",
	"Direct debit, insurance", "Card payment, fuel", "Interest credit",
	"Account fee", "Transfer to savings", "Cheque deposit",
	"Direct debit, telephone", "Card payment, pharmacy", "Refund, online shop",
	"Loan repayment",
};

static const char *const c_fax_subjects[] = {
	"Request for account details", "Signed repayment schedule",
	"Proof of address enclosed", "Change of correspondence address",
	"Instruction to close the account", "Copy of the loan agreement",
};

static const char *const c_form_titles[] = {
	"LOAN APPLICATION", "CUSTOMER DETAILS", "CREDIT REQUEST",
	"CHANGE OF DETAILS", "ACCOUNT TRANSFER", "GUARANTEE FORM",
};

static const char *const c_purposes[] = {
	"Home improvement", "New car", "Debt consolidation", "Wedding",
	"Education", "Medical costs", "Business equipment", "Holiday",
};

static const char *const zh_titles[] = {
	"个人贷款审批表", "贷款审批单", "个人消费贷款审批表", "信贷业务审批表",
};

static const char *const zh_purposes[] = {
	"个人消费", "房屋装修", "购买汽车", "教育支出", "医疗支出", "经营周转",
};

static const char *const zh_opinions[] = {
	"同意发放，按月还款。", "资料齐全，同意贷款。",
	"经审核符合条件，同意放款。", "同意，请按合同约定办理。",
	"申请人信用良好，同意发放。", "同意，按期收回本息。",
};

static const char *const zh_repay[] = {
	"等额本息", "等额本金", "按月付息到期还本", "一次性还本付息",
};

static const char *const zh_notes[] = {
	"本表一式两份，借款人与贷款人各执一份。",
	"借款人承诺所提供的资料真实有效。",
	"审批通过后请于三十日内办理放款手续。",
	"本审批单自签发之日起九十日内有效。",
	"如有疑问请联系客户经理。",
	"放款前须核实借款人身份证件原件。",
};

/* An entry of pool for set: even indices for tune, odd for eval. */
static const char *pick_set(const char *const *pool, size_t n, int set)
{
	size_t half = (n - (size_t)set + 1) / 2;

	return pool[2 * rng_below(half) + (size_t)set];
}

#define PICKS(a, set) pick_set((a), NELEM(a), (set))

/* ------------------------------------------------------------------ */
/* Recorded values                                                      */

static void rec(json_t *arr, const char *s)
{
	json_array_append_new(arr, json_string(s));
}

/* An amount in cents from lo to hi whole units, as "12,345.67". */
static void money(struct cpage *cp, char *buf, size_t n, int lo, int hi, int record)
{
	long long cents = (long long)rng_int(lo, hi) * 100 + rng_int(0, 99);

	if (fmt_money(buf, n, cents))
		buf[0] = '\0';
	if (record)
		rec(cp->amounts, buf);
}

static void reference(struct cpage *cp, char *buf, size_t n)
{
	if (fmt_str(buf, n, "REF-%06d", rng_int(1, 999999)))
		buf[0] = '\0';
	rec(cp->ids, buf);
}

/* tpl with its $-codes filled in, appended to b; amounts recorded. */
static void cexpand(struct cpage *cp, struct sbuf *b, const char *tpl)
{
	char tmp[96], num[64];
	const char *p;

	for (p = tpl; *p != '\0'; p++) {
		if (*p != '$' || p[1] == '\0') {
			sbuf_addn(b, p, 1);
			continue;
		}
		p++;
		switch (*p) {
		case 'A': sbuf_add(b, cp->id.account); break;
		case 'D': sbuf_add(b, cp->id.date); break;
		case 'B': sbuf_add(b, cp->id.bank); break;
		case 'C': sbuf_add(b, cp->id.city); break;
		case 'M':
			money(cp, num, sizeof num, 20, 48000, 1);
			if (fmt_str(tmp, sizeof tmp, "%s %s", cp->id.currency, num) == 0)
				sbuf_add(b, tmp);
			break;
		case 'R':
			if (fmt_str(tmp, sizeof tmp, "%d.%02d%%", rng_int(1, 9),
				    25 * rng_int(0, 3)) == 0)
				sbuf_add(b, tmp);
			break;
		case 'T':
			if (fmt_str(tmp, sizeof tmp, "%d", 12 * rng_int(1, 25)) == 0)
				sbuf_add(b, tmp);
			break;
		case 'F':
			reference(cp, tmp, sizeof tmp);
			sbuf_add(b, tmp);
			break;
		default:
			sbuf_addn(b, p - 1, 2);
			break;
		}
	}
}

/* count distinct sentences of the set's half of c_sentences. */
static void cpara(struct cpage *cp, struct sbuf *b, int count)
{
	size_t used[8];
	int i, k, n = 0;

	for (i = 0; i < count && i < 8; i++) {
		size_t idx;

		do {
			idx = 2 * rng_below(NELEM(c_sentences) / 2) + (size_t)cp->set;
			for (k = 0; k < n; k++)
				if (used[k] == idx)
					break;
		} while (k < n);
		used[n++] = idx;
		if (i > 0)
			sbuf_add(b, " ");
		cexpand(cp, b, c_sentences[idx]);
	}
}

/* ------------------------------------------------------------------ */
/* Drawing helpers beyond layout.c                                     */

static void set_fonts(struct lay *l, struct cpage *cp)
{
	const struct fontset *fs = &fontsets[cp->set];

	l->fam[FACE_SERIF] = fs->serif[rng_below((size_t)fs->nserif)];
	l->fam[FACE_SANS] = fs->sans[rng_below((size_t)fs->nsans)];
	l->fam[FACE_MONO] = fs->mono[rng_below((size_t)fs->nmono)];
	l->cjkfam = fs->cjk[rng_below((size_t)fs->ncjk)];
	if (fmt_str(cp->fonts, sizeof cp->fonts, "%s, %s, %s, %s",
		    l->fam[FACE_SERIF], l->fam[FACE_SANS], l->fam[FACE_MONO], l->cjkfam))
		cp->fonts[0] = '\0';
}

static void box(struct lay *l, double x, double y, double w, double h, double pt)
{
	cairo_set_line_width(l->cr, fmax(1.0, pt_px(l, pt)));
	cairo_rectangle(l->cr, x, y, w, h);
	cairo_stroke(l->cr);
}

/*
 * A form row: a large bold label and its value in a box, on one baseline;
 * recorded as "label value".
 */
static void big_row(struct lay *l, const char *label, double label_pt, const char *value,
		    double value_pt, double vx)
{
	char r[LINE_BUF];
	double lsz = pt_px(l, label_pt), vsz = pt_px(l, value_pt), base;

	if (l->full || l->y + lsz * 1.6 > l->bottom) {
		l->full = 1;
		return;
	}
	base = l->y + lsz * 1.05;
	lay_font(l, FACE_SANS, 1, label_pt);
	draw_at(l, l->left, base, label);
	lay_font(l, FACE_SANS, 0, value_pt);
	draw_at(l, vx + vsz * 0.4, base, value);
	box(l, vx, base - vsz * 1.15, l->right - vx, vsz * 1.55, 0.7);
	l->y += lsz * 1.6;
	if (fmt_str(r, sizeof r, "%s %s", label, value) == 0)
		lay_record(l, r);
}

/*
 * A grid row of cells: texts at x[i] inside column lines; ruled above and
 * below.  Right-aligned cells end at the next column line.
 */
static void grid_row(struct lay *l, const char *const *t, const double *x, size_t n,
		     const int *right, double pad)
{
	char r[LINE_BUF];
	size_t i, used = 0;
	double top = l->y, base, h;

	base = lay_take_line(l);
	if (base < 0)
		return;
	base += pad;
	l->y += 2 * pad;
	h = l->y - top;
	r[0] = '\0';
	for (i = 0; i < n; i++) {
		double cx = x[i] + pad;

		if (right != NULL && right[i])
			cx = (i + 1 < n ? x[i + 1] : l->right) - pad - text_width(l, t[i]);
		if (*t[i] != '\0') {
			draw_at(l, cx, base, t[i]);
			if (fmt_str(r + used, sizeof r - used, "%s%s", used ? " " : "", t[i]) == 0)
				used = strlen(r);
		}
		box(l, x[i], top, (i + 1 < n ? x[i + 1] : l->right) - x[i], h, 0.6);
	}
	lay_record(l, r);
}

static void letterhead(struct lay *l, struct cpage *cp)
{
	char s[LINE_BUF];

	lay_font(l, FACE_SANS, 1, rng_int(15, 18));
	lay_line(l, ALIGN_LEFT, cp->id.bank);
	lay_font(l, FACE_SANS, 0, 9);
	if (fmt_str(s, sizeof s, "%s, %s  |  Telephone 0800 555 01%02d",
		    cp->id.bank_street, cp->id.bank_city, rng_int(10, 99)) == 0)
		lay_line(l, ALIGN_LEFT, s);
	lay_rule(l, 1.0);
}

static void account_line(struct lay *l, struct cpage *cp, const char *label)
{
	char s[LINE_BUF];

	if (fmt_str(s, sizeof s, "%s %s", label, cp->id.account) == 0)
		lay_line(l, ALIGN_LEFT, s);
}

/* A few dated movements with amounts, as a small table. */
static void movements(struct lay *l, struct cpage *cp, int rows, int grid)
{
	double w = l->right - l->left;
	double x[3] = { l->left, l->left + 0.22 * w, l->left + 0.74 * w };
	static const int right[3] = { 0, 0, 1 };
	char d[24], amt[48];
	const char *t[3];
	int i;

	lay_font(l, FACE_SANS, 1, 11);
	t[0] = "Date"; t[1] = "Description"; t[2] = "Amount";
	if (grid)
		grid_row(l, t, x, 3, right, pt_px(l, 2));
	else
		lay_cells(l, (struct cell[]){ { t[0], x[0], 0 }, { t[1], x[1], 0 },
					      { t[2], l->right, 1 } }, 3);
	lay_font(l, FACE_SANS, 0, 11);
	for (i = 0; i < rows; i++) {
		if (fmt_str(d, sizeof d, "%.4s-%02d-%02d", cp->id.date, rng_int(1, 12),
			    rng_int(1, 28)))
			continue;
		money(cp, amt, sizeof amt, 5, 9000, 1);
		t[0] = d;
		t[1] = PICKS(c_items, cp->set);
		t[2] = amt;
		if (grid)
			grid_row(l, t, x, 3, right, pt_px(l, 2));
		else
			lay_cells(l, (struct cell[]){ { t[0], x[0], 0 }, { t[1], x[1], 0 },
						      { t[2], l->right, 1 } }, 3);
	}
}

/* ------------------------------------------------------------------ */
/* Page contents                                                        */

static void c_letter(struct lay *l, struct cpage *cp, int table)
{
	char s[LINE_BUF], ref[32];
	struct sbuf p = { 0 };
	int i, paras = rng_int(2, 3);

	letterhead(l, cp);
	lay_gap(l, 10);
	lay_font(l, FACE_SERIF, 0, rng_int(11, 12));
	lay_line(l, ALIGN_LEFT, cp->id.customer);
	lay_line(l, ALIGN_LEFT, cp->id.street);
	if (fmt_str(s, sizeof s, "%s %s", cp->id.postcode, cp->id.city) == 0)
		lay_line(l, ALIGN_LEFT, s);
	lay_gap(l, 10);
	if (fmt_str(s, sizeof s, "Date: %s", cp->id.date) == 0)
		lay_line(l, ALIGN_LEFT, s);
	account_line(l, cp, "Account number:");
	reference(cp, ref, sizeof ref);
	if (fmt_str(s, sizeof s, "Our reference: %s", ref) == 0)
		lay_line(l, ALIGN_LEFT, s);
	lay_gap(l, 8);
	lay_font(l, FACE_SERIF, 1, 12);
	if (fmt_str(s, sizeof s, "Subject: %s", PICKS(c_subjects, cp->set)) == 0)
		lay_line(l, ALIGN_LEFT, s);
	lay_font(l, FACE_SERIF, 0, rng_int(11, 12));
	lay_gap(l, 6);
	if (fmt_str(s, sizeof s, "Dear %s,", cp->id.salutation) == 0)
		lay_line(l, ALIGN_LEFT, s);
	for (i = 0; i < paras; i++) {
		p.len = 0;
		cpara(cp, &p, rng_int(2, 3));
		lay_para(l, sbuf_str(&p));
	}
	if (table) {
		lay_gap(l, 4);
		movements(l, cp, rng_int(3, 5), 0);
		lay_gap(l, 8);
		lay_font(l, FACE_SERIF, 0, 11);
	}
	lay_line(l, ALIGN_LEFT, "Yours sincerely,");
	lay_gap(l, 20);
	lay_line(l, ALIGN_LEFT, cp->id.officer);
	if (fmt_str(s, sizeof s, "%s, %s", cp->id.role, cp->id.bank) == 0)
		lay_line(l, ALIGN_LEFT, s);
	sbuf_free(&p);
}

static void c_table(struct lay *l, struct cpage *cp)
{
	double w = l->right - l->left;
	double x[5] = { l->left, l->left + 0.16 * w, l->left + 0.52 * w,
			l->left + 0.68 * w, l->left + 0.84 * w };
	static const int right[5] = { 0, 0, 1, 1, 1 };
	char s[LINE_BUF], d[24], amt[48], bal[48];
	const char *t[5];
	long long balance = (long long)rng_int(200, 20000) * 100 + rng_int(0, 99);
	int i, rows = rng_int(12, 20);

	letterhead(l, cp);
	lay_gap(l, 6);
	lay_font(l, FACE_SANS, 1, rng_int(16, 20));
	lay_line(l, ALIGN_LEFT, "ACCOUNT STATEMENT");
	lay_font(l, FACE_SANS, 0, 11);
	if (fmt_str(s, sizeof s, "Customer: %s", cp->id.customer) == 0)
		lay_line(l, ALIGN_LEFT, s);
	account_line(l, cp, "Account number:");
	if (fmt_str(s, sizeof s, "Statement period: %.4s-01-01 to %.4s-12-31",
		    cp->id.date, cp->id.date) == 0)
		lay_line(l, ALIGN_LEFT, s);
	if (fmt_money(bal, sizeof bal, balance) == 0 &&
	    fmt_str(s, sizeof s, "Opening balance: %s %s", cp->id.currency, bal) == 0) {
		rec(cp->amounts, bal);
		lay_line(l, ALIGN_LEFT, s);
	}
	lay_gap(l, 8);
	lay_font(l, FACE_SANS, 1, 10);
	t[0] = "Date"; t[1] = "Description"; t[2] = "Debit"; t[3] = "Credit";
	t[4] = "Balance";
	grid_row(l, t, x, 5, right, pt_px(l, 2));
	lay_font(l, FACE_SANS, 0, 10);
	for (i = 0; i < rows; i++) {
		long long c = (long long)rng_int(3, 2500) * 100 + rng_int(0, 99);
		int credit = rng_int(0, 3) == 0;

		if (fmt_str(d, sizeof d, "%.4s-%02d-%02d", cp->id.date, 1 + i * 12 / rows,
			    rng_int(1, 28)))
			continue;
		balance += credit ? c : -c;
		if (fmt_money(amt, sizeof amt, c) || fmt_money(bal, sizeof bal,
							       balance < 0 ? -balance : balance))
			continue;
		if (balance < 0) {
			/* No overdrafts on the statement: credit it back. */
			balance += 2 * c;
			continue;
		}
		rec(cp->amounts, amt);
		rec(cp->amounts, bal);
		t[0] = d;
		t[1] = PICKS(c_items, cp->set);
		t[2] = credit ? "" : amt;
		t[3] = credit ? amt : "";
		t[4] = bal;
		grid_row(l, t, x, 5, right, pt_px(l, 2));
	}
	lay_gap(l, 10);
	lay_font(l, FACE_SANS, 0, 11);
	if (fmt_money(bal, sizeof bal, balance) == 0 &&
	    fmt_str(s, sizeof s, "Closing balance: %s %s", cp->id.currency, bal) == 0) {
		rec(cp->amounts, bal);
		lay_line(l, ALIGN_LEFT, s);
	}
}

static void c_form_en(struct lay *l, struct cpage *cp)
{
	char s[LINE_BUF], amt[48], idn[32], ref[32];
	struct sbuf p = { 0 };
	double lpt = rng_int(16, 22), vpt = rng_int(12, 14);
	double vx = l->left + mm_px(l, 68);

	letterhead(l, cp);
	lay_gap(l, 8);
	lay_font(l, FACE_SANS, 1, rng_int(26, 34));
	lay_line(l, ALIGN_CENTER, PICKS(c_form_titles, cp->set));
	lay_gap(l, 8);
	big_row(l, "NAME", lpt, cp->id.customer, vpt, vx);
	if (fmt_str(s, sizeof s, "%04d-%02d-%02d", rng_int(1950, 2004), rng_int(1, 12),
		    rng_int(1, 28)) == 0)
		big_row(l, "BORN", lpt, s, vpt, vx);
	if (fmt_str(idn, sizeof idn, "%c%c%06d%c", 'A' + rng_int(0, 25), 'A' + rng_int(0, 25),
		    rng_int(0, 999999), 'A' + rng_int(0, 3)) == 0) {
		rec(cp->ids, idn);
		big_row(l, "ID NUMBER", lpt, idn, vpt, vx);
	}
	big_row(l, "ACCOUNT", lpt, cp->id.account, vpt, vx);
	money(cp, amt, sizeof amt, 500, 90000, 1);
	if (fmt_str(s, sizeof s, "%s %s", cp->id.currency, amt) == 0)
		big_row(l, "AMOUNT", lpt, s, vpt, vx);
	if (fmt_str(s, sizeof s, "%d months", 12 * rng_int(1, 10)) == 0)
		big_row(l, "TERM", lpt, s, vpt, vx);
	big_row(l, "PURPOSE", lpt, PICKS(c_purposes, cp->set), vpt, vx);
	if (fmt_str(s, sizeof s, "+44 20 7946 %04d", rng_int(0, 9999)) == 0)
		big_row(l, "PHONE", lpt, s, vpt, vx);
	big_row(l, "CITY", lpt, cp->id.city, vpt, vx);
	lay_gap(l, 10);
	lay_font(l, FACE_SANS, 0, 10);
	cpara(cp, &p, 2);
	lay_para(l, sbuf_str(&p));
	reference(cp, ref, sizeof ref);
	if (fmt_str(s, sizeof s, "Form reference: %s    Date: %s", ref, cp->id.date) == 0)
		lay_line(l, ALIGN_LEFT, s);
	sbuf_free(&p);
}

/* An 18-character PRC resident ID with its ISO 7064 check character. */
static void zh_id_number(char *buf, size_t n)
{
	static const int wt[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
	static const char chk[] = "10X98765432";
	char d[19];
	int i, sum = 0;

	if (fmt_str(d, sizeof d, "%02d%04d%04d%02d%02d%03d", rng_int(11, 65),
		    rng_int(100, 9999), rng_int(1955, 2003), rng_int(1, 12), rng_int(1, 28),
		    rng_int(1, 999))) {
		buf[0] = '\0';
		return;
	}
	for (i = 0; i < 17; i++)
		sum += (d[i] - '0') * wt[i];
	d[17] = chk[sum % 11];
	d[18] = '\0';
	if (fmt_str(buf, n, "%s", d))
		buf[0] = '\0';
}

static void c_form_zh(struct lay *l, struct cpage *cp)
{
	char s[LINE_BUF], amt[48], idn[24], no[32], v[LINE_BUF];
	double x[2] = { l->left, l->left + (l->right - l->left) * 0.3 };
	double lpt = rng_int(14, 18), pad;
	const char *t[2];
	struct sbuf p = { 0 };
	int i;

	lay_font(l, FACE_SANS, 1, 16);
	lay_line(l, ALIGN_LEFT, cp->id.bank);
	lay_gap(l, 6);
	lay_font(l, FACE_SANS, 1, rng_int(26, 34));
	lay_line(l, ALIGN_CENTER, PICKS(zh_titles, cp->set));
	lay_gap(l, 6);
	lay_font(l, FACE_SANS, 0, 11);
	if (fmt_str(no, sizeof no, "SP-%.4s-%06d", cp->id.date, rng_int(1, 999999)) == 0 &&
	    fmt_str(s, sizeof s, "编号：%s", no) == 0) {
		rec(cp->ids, no);
		lay_line(l, ALIGN_RIGHT, s);
	}
	lay_gap(l, 4);
	lay_font(l, FACE_SANS, 0, lpt);
	pad = pt_px(l, 4);
	zh_id_number(idn, sizeof idn);
	rec(cp->ids, idn);
	money(cp, amt, sizeof amt, 10000, 900000, 1);
	for (i = 0; i < 11; i++) {
		v[0] = '\0';
		switch (i) {
		case 0: t[0] = "借款人姓名"; fmt_str(v, sizeof v, "%s", cp->id.customer); break;
		case 1: t[0] = "身份证号码"; fmt_str(v, sizeof v, "%s", idn); break;
		case 2: t[0] = "联系地址"; fmt_str(v, sizeof v, "%s", cp->id.street); break;
		case 3: t[0] = "贷款金额"; fmt_str(v, sizeof v, "人民币%s元", amt); break;
		case 4: t[0] = "账户号码"; fmt_str(v, sizeof v, "%s", cp->id.account); break;
		case 5: t[0] = "贷款用途"; fmt_str(v, sizeof v, "%s", PICKS(zh_purposes, cp->set)); break;
		case 6: t[0] = "贷款期限"; fmt_str(v, sizeof v, "%d个月", 12 * rng_int(1, 10)); break;
		case 7: t[0] = "年利率"; fmt_str(v, sizeof v, "%d.%02d%%", rng_int(2, 8), 5 * rng_int(0, 19)); break;
		case 8: t[0] = "还款方式"; fmt_str(v, sizeof v, "%s", PICKS(zh_repay, cp->set)); break;
		case 9: t[0] = "审批意见"; fmt_str(v, sizeof v, "%s", PICKS(zh_opinions, cp->set)); break;
		default: t[0] = "审批日期"; fmt_str(v, sizeof v, "%s", cp->id.date); break;
		}
		t[1] = v;
		grid_row(l, t, x, 2, NULL, pad);
	}
	lay_gap(l, 10);
	lay_font(l, FACE_SANS, 0, 11);
	sbuf_add(&p, PICKS(zh_notes, cp->set));
	sbuf_add(&p, PICKS(zh_notes, cp->set));
	lay_para(l, sbuf_str(&p));
	lay_gap(l, 6);
	if (fmt_str(s, sizeof s, "审批人：%s", cp->id.officer) == 0)
		lay_line(l, ALIGN_LEFT, s);
	sbuf_free(&p);
}

/* A fax cover page with the account in text and in Code 39. */
static int c_fax(struct lay *l, struct cpage *cp)
{
	char s[LINE_BUF], ref[32];
	struct sbuf p = { 0 };
	struct zint_symbol *sym;
	double vx = l->left + mm_px(l, 40);

	lay_font(l, FACE_MONO, 0, 8);
	if (fmt_str(s, sizeof s, "FROM +44 20 7946 %04d   %s %02d:%02d   P.001/001",
		    rng_int(0, 9999), cp->id.date, rng_int(8, 18), rng_int(0, 59)) == 0)
		lay_line(l, ALIGN_LEFT, s);
	lay_gap(l, 8);
	lay_font(l, FACE_SANS, 1, rng_int(34, 44));
	lay_line(l, ALIGN_LEFT, "FAX");
	lay_font(l, FACE_SANS, 0, 12);
	lay_field(l, "To:", cp->id.bank, vx, 0);
	lay_field(l, "From:", cp->id.customer, vx, 0);
	lay_field(l, "Date:", cp->id.date, vx, 0);
	lay_field(l, "Subject:", PICKS(c_fax_subjects, cp->set), vx, 0);
	lay_field(l, "Account:", cp->id.account, vx, 0);
	reference(cp, ref, sizeof ref);
	lay_field(l, "Reference:", ref, vx, 0);
	lay_gap(l, 6);
	sym = barcode_make(BC_CODE39, cp->id.account, cp->dpi, 0.38, 12);
	if (sym == NULL)
		return -1;
	lay_symbol(l, sym, ALIGN_LEFT);
	ZBarcode_Delete(sym);
	barcode_record(cp->barcodes, BC_CODE39, cp->id.account);
	lay_gap(l, 10);
	lay_font(l, FACE_SERIF, 0, 12);
	if (fmt_str(s, sizeof s, "Dear Sir or Madam,") == 0)
		lay_line(l, ALIGN_LEFT, s);
	cpara(cp, &p, rng_int(3, 4));
	lay_para(l, sbuf_str(&p));
	p.len = 0;
	cpara(cp, &p, 2);
	lay_para(l, sbuf_str(&p));
	lay_line(l, ALIGN_LEFT, "Kind regards,");
	lay_line(l, ALIGN_LEFT, cp->id.customer);
	sbuf_free(&p);
	return 0;
}

/* A symbol carrying the account at the bottom left, with its text. */
static int account_symbol(struct lay *l, struct cpage *cp, enum bc type, double module)
{
	struct zint_symbol *sym = barcode_make(type, cp->id.account, cp->dpi, module, 9);

	if (sym == NULL)
		return -1;
	l->full = 0;
	l->y = l->page_h - mm_px(l, 26) - sym->bitmap_height;
	lay_symbol(l, sym, ALIGN_LEFT);
	ZBarcode_Delete(sym);
	return barcode_record(cp->barcodes, type, cp->id.account);
}

/* ------------------------------------------------------------------ */
/* Rendering and degradations                                           */

/* Ink coverage of the page drawn for cp: 8 bpp, 0 paper, 255 full ink. */
static PIX *render(struct cpage *cp)
{
	cairo_surface_t *surf = NULL;
	cairo_t *cr = NULL;
	struct lay l;
	PIX *pix = NULL, *paper;
	int w, h, rc = 0;

	page_size(cp->dpi, &w, &h);
	surf = cairo_image_surface_create(CAIRO_FORMAT_A8, w, h);
	if (cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS)
		goto out;
	cr = cairo_create(surf);
	lay_init(&l, cr, &cp->text, &cp->flow, cp->dpi, w, h, cp->lang_chi);
	set_fonts(&l, cp);
	switch (cp->kind) {
	case CK_SHADED:
	case CK_FAINT:
	case CK_CARBON:
		c_letter(&l, cp, rng_int(0, 1));
		break;
	case CK_FAX_LO:
	case CK_FAX_HI:
		rc = c_fax(&l, cp);
		break;
	case CK_FORM_ZH:
		c_form_zh(&l, cp);
		break;
	case CK_FORM_EN:
		c_form_en(&l, cp);
		break;
	case CK_PHOTO:
		l.bottom -= mm_px(&l, 30);
		if (rng_int(0, 1))
			c_letter(&l, cp, 0);
		else
			c_form_en(&l, cp);
		rc = account_symbol(&l, cp, BC_QR, 0.7);
		break;
	case CK_TABLE:
		c_table(&l, cp);
		break;
	case CK_ROTATED:
		l.bottom -= mm_px(&l, 18);
		c_letter(&l, cp, 1);
		rc = account_symbol(&l, cp, BC_CODE128, 0.25);
		break;
	default:
		rc = -1;
	}
	if (rc != 0 || cairo_status(cr) != CAIRO_STATUS_SUCCESS)
		goto out;
	paper = pix_from_ink(surf);    /* 255 = paper */
	if (paper != NULL) {
		pix = pixInvert(NULL, paper);
		pixDestroy(&paper);
	}
out:
	if (cr != NULL)
		cairo_destroy(cr);
	if (surf != NULL)
		cairo_surface_destroy(surf);
	return pix;
}

/* A smooth random field of w x h, values around 0..255. */
static PIX *smooth_field(int w, int h, int cells)
{
	PIX *small = pixCreate(cells, cells * 4 / 3 + 1, 8), *big;
	int x, y;

	if (small == NULL)
		return NULL;
	for (y = 0; y < pixGetHeight(small); y++)
		for (x = 0; x < cells; x++)
			pixSetPixel(small, x, y, (l_uint32)rng_int(0, 255));
	big = pixScaleToSize(small, w, h);
	pixDestroy(&small);
	return big;
}

static int clampi(int v)
{
	return v < 0 ? 0 : v > 255 ? 255 : v;
}

/* Blurs ink coverage a little (a 3x3 box, once or twice). */
static PIX *soften(PIX *ink, int times)
{
	PIX *a = pixClone(ink), *b;
	int i;

	for (i = 0; i < times && a != NULL; i++) {
		b = pixBlockconv(a, 1, 1);
		pixDestroy(&a);
		a = b;
	}
	return a;
}

/*
 * Gray page from ink coverage: paper from bg_a to bg_b along a random
 * direction (or radially), ink at level ink, gray noise of +-noise.
 */
static PIX *shade(PIX *ink, int bg_a, int bg_b, int inklev, int noise, int radial)
{
	int w = pixGetWidth(ink), h = pixGetHeight(ink), x, y;
	double ang = rng_unit() * 2 * PI_D, dx = cos(ang), dy = sin(ang);
	double cx = rng_unit() * w, cy = rng_unit() * h, rmax = hypot(w, h);
	PIX *out = pixCreate(w, h, 8);

	if (out == NULL)
		return NULL;
	for (y = 0; y < h; y++) {
		for (x = 0; x < w; x++) {
			double t, bg, a = GET_DATA_BYTE(pixGetData(ink) + y * pixGetWpl(ink), x) / 255.0;

			if (radial)
				t = hypot(x - cx, y - cy) / rmax * 1.6;
			else
				t = ((x - w / 2.0) * dx + (y - h / 2.0) * dy) / (fabs(dx) * w + fabs(dy) * h) + 0.5;
			t = t < 0 ? 0 : t > 1 ? 1 : t;
			bg = bg_a + (bg_b - bg_a) * t;
			SET_DATA_BYTE(pixGetData(out) + y * pixGetWpl(out), x,
				      clampi((int)lround(bg * (1 - a) + inklev * a) +
					     (noise ? (int)(rng_next() % (unsigned)(2 * noise + 1)) - noise : 0)));
		}
	}
	return out;
}

/* Carbon copy: blurred ink of uneven strength, violet on tinted paper. */
static PIX *carbon(PIX *ink, int gray)
{
	int w = pixGetWidth(ink), h = pixGetHeight(ink), x, y;
	PIX *soft = soften(ink, 2), *field = smooth_field(w, h, 14), *out;
	double strength = 0.45 + 0.2 * rng_unit();
	int pr = 238 + rng_int(0, 12), pg = 228 + rng_int(0, 12), pb = 205 + rng_int(0, 20);
	int ir = 70 + rng_int(0, 30), ig = 60 + rng_int(0, 30), ib = 130 + rng_int(0, 40);

	out = pixCreate(w, h, 32);
	if (soft == NULL || field == NULL || out == NULL) {
		pixDestroy(&out);
		goto done;
	}
	for (y = 0; y < h; y++) {
		l_uint32 *ro = pixGetData(out) + y * pixGetWpl(out);
		const l_uint32 *ra = pixGetData(soft) + y * pixGetWpl(soft);
		const l_uint32 *rf = pixGetData(field) + y * pixGetWpl(field);

		for (x = 0; x < w; x++) {
			double f = GET_DATA_BYTE(rf, x) / 255.0;
			double a = GET_DATA_BYTE(ra, x) / 255.0 * strength * (0.55 + 0.6 * f);
			int n = (int)(rng_next() % 9) - 4, smudge = (int)(f * 14) - 7;

			if (a > 1)
				a = 1;
			composeRGBPixel(clampi((int)(pr * (1 - a) + ir * a) + n + smudge),
					clampi((int)(pg * (1 - a) + ig * a) + n + smudge),
					clampi((int)(pb * (1 - a) + ib * a) + n + smudge), &ro[x]);
		}
	}
	if (gray) {
		PIX *g = pixConvertRGBToLuminance(out);

		pixDestroy(&out);
		out = g;
	}
done:
	pixDestroy(&soft);
	pixDestroy(&field);
	return out;
}

/* A fax: squeezed to ydpi lines per inch, thresholded, with dropouts. */
static PIX *fax(PIX *ink, int ydpi, int dpi)
{
	PIX *gray = pixInvert(NULL, ink), *sq = NULL, *bin = NULL;
	int y, h, drops, i;

	if (gray == NULL)
		return NULL;
	add_noise(gray);
	sq = ydpi == dpi ? pixClone(gray) : pixScale(gray, 1.0f, (l_float32)ydpi / (l_float32)dpi);
	if (sq == NULL)
		goto out;
	bin = pixThresholdToBinary(sq, 150 + rng_int(-15, 15));
	if (bin == NULL)
		goto out;
	h = pixGetHeight(bin);
	drops = rng_int(2, 8);
	for (i = 0; i < drops; i++) {
		y = rng_int(0, h - 1);
		pixRasterop(bin, 0, y, pixGetWidth(bin), 1, PIX_CLR, NULL, 0, 0);
	}
	/* Salt: a few hundred stray black pixels. */
	for (i = rng_int(200, 600); i > 0; i--)
		pixSetPixel(bin, rng_int(0, pixGetWidth(bin) - 1), rng_int(0, h - 1), 1);
out:
	pixDestroy(&gray);
	pixDestroy(&sq);
	return bin;
}

/* Lighting: brightness from lo to hi along a direction, times a vignette. */
static void light(PIX *pix, double lo, double hi)
{
	int w = pixGetWidth(pix), h = pixGetHeight(pix), x, y, r, g, b;
	double ang = rng_unit() * 2 * PI_D, dx = cos(ang), dy = sin(ang);

	for (y = 0; y < h; y++) {
		l_uint32 *row = pixGetData(pix) + y * pixGetWpl(pix);

		for (x = 0; x < w; x++) {
			double t = ((x - w / 2.0) * dx + (y - h / 2.0) * dy) /
					   (fabs(dx) * w + fabs(dy) * h) + 0.5;
			double v = hypot((x - w / 2.0) / w, (y - h / 2.0) / h);
			double k = (lo + (hi - lo) * t) * (1 - 0.5 * v * v);

			extractRGBValues(row[x], &r, &g, &b);
			composeRGBPixel(clampi((int)(r * k)), clampi((int)(g * k)),
					clampi((int)(b * k)), &row[x]);
		}
	}
}

/* A phone photo of the page on a desk: perspective, light, blur. */
static PIX *photo(PIX *ink, struct cpage *cp)
{
	int pw = pixGetWidth(ink), ph = pixGetHeight(ink);
	int cw = (int)(pw * 1.35), ch = (int)(ph * 1.3), x, y, i;
	PIX *gray = NULL, *page = NULL, *canvas = NULL, *mask = NULL, *wp = NULL, *wm = NULL;
	PIX *desk = NULL, *field = NULL, *out = NULL, *blur = NULL;
	PTA *src = NULL, *dst = NULL;
	double qx[4], qy[4];

	if ((gray = pixInvert(NULL, ink)) == NULL)
		goto out;
	/* Warm paper, dark blue-black ink. */
	page = pixCreate(cw, ch, 32);
	mask = pixCreate(cw, ch, 8);
	if (page == NULL || mask == NULL)
		goto out;
	pixSetAllArbitrary(page, 0xffffff00);
	for (y = 0; y < ph; y++) {
		const l_uint32 *rs = pixGetData(gray) + y * pixGetWpl(gray);
		l_uint32 *rd = pixGetData(page) + y * pixGetWpl(page);

		for (x = 0; x < pw; x++) {
			int v = GET_DATA_BYTE(rs, x);

			composeRGBPixel(20 + v * 226 / 255, 22 + v * 218 / 255, 30 + v * 196 / 255, &rd[x]);
		}
	}
	for (y = 0; y < ph; y++)
		memset(pixGetData(mask) + y * pixGetWpl(mask), 0xff, (size_t)pw);
	/* Where the page's corners land: a tilted, foreshortened quad. */
	{
		double mx = cw * 0.09, my = ch * 0.07, j = 0.05;

		qx[0] = mx + rng_unit() * cw * j * 2;          qy[0] = my + rng_unit() * ch * j;
		qx[1] = cw - mx - rng_unit() * cw * j * 2;     qy[1] = my + rng_unit() * ch * j;
		qx[2] = mx - rng_unit() * cw * j;              qy[2] = ch - my - rng_unit() * ch * j;
		qx[3] = cw - mx + rng_unit() * cw * j;         qy[3] = ch - my - rng_unit() * ch * j;
		if (rng_int(0, 1)) { /* top narrower or bottom narrower */
			qx[0] += cw * 0.04; qx[1] -= cw * 0.04;
		} else {
			qx[2] += cw * 0.03; qx[3] -= cw * 0.03;
		}
	}
	src = ptaCreate(4);
	dst = ptaCreate(4);
	ptaAddPt(src, 0, 0); ptaAddPt(src, pw - 1, 0);
	ptaAddPt(src, 0, ph - 1); ptaAddPt(src, pw - 1, ph - 1);
	for (i = 0; i < 4; i++) {
		ptaAddPt(dst, (l_float32)qx[i], (l_float32)qy[i]);
		json_array_append_new(cp->corners, json_pack("[i,i]", (int)lround(qx[i]),
							     (int)lround(qy[i])));
	}
	wp = pixProjectivePta(page, dst, src, L_BRING_IN_WHITE);
	wm = pixProjectivePta(mask, dst, src, L_BRING_IN_BLACK);
	/* The desk: dark wood-brown with a grain of noise. */
	desk = pixCreate(cw, ch, 32);
	field = smooth_field(cw, ch, 30);
	if (wp == NULL || wm == NULL || desk == NULL || field == NULL)
		goto out;
	{
		int br = 50 + rng_int(0, 40), bg = 38 + rng_int(0, 25), bb = 28 + rng_int(0, 20);

		for (y = 0; y < ch; y++) {
			l_uint32 *rd = pixGetData(desk) + y * pixGetWpl(desk);
			const l_uint32 *rf = pixGetData(field) + y * pixGetWpl(field);

			for (x = 0; x < cw; x++) {
				int g = (int)GET_DATA_BYTE(rf, x) / 8 - 16 + (int)(rng_next() % 11) - 5;

				composeRGBPixel(clampi(br + g), clampi(bg + g), clampi(bb + g), &rd[x]);
			}
		}
	}
	canvas = pixBlendWithGrayMask(desk, wp, wm, 0, 0);
	if (canvas == NULL)
		goto out;
	light(canvas, 0.5 + 0.15 * rng_unit(), 1.0 + 0.05 * rng_unit());
	blur = pixBlockconv(canvas, 1, 1);
	out = blur;
	blur = NULL;
out:
	pixDestroy(&gray);
	pixDestroy(&page);
	pixDestroy(&mask);
	pixDestroy(&wp);
	pixDestroy(&wm);
	pixDestroy(&desk);
	pixDestroy(&field);
	pixDestroy(&canvas);
	pixDestroy(&blur);
	ptaDestroy(&src);
	ptaDestroy(&dst);
	return out;
}

/* A plain scan: skew, quarter turn, noise; gray (8 bpp). */
static PIX *plain_scan(PIX *ink, struct cpage *cp)
{
	struct page pg;
	PIX *gray = pixInvert(NULL, ink), *out;

	if (gray == NULL)
		return NULL;
	memset(&pg, 0, sizeof pg);
	pg.skew_deg = cp->skew;
	pg.rotation = cp->rotation;
	pg.noise = 1;
	pg.dpi = cp->dpi;
	out = scan_pix(gray, &pg);
	pixDestroy(&gray);
	return out;
}

static PIX *skew_only(PIX *pix, double deg)
{
	if (fabs(deg) < 0.005)
		return pixClone(pix);
	return pixRotate(pix, (l_float32)(deg * PI_D / 180.0), L_ROTATE_AREA_MAP,
			 L_BRING_IN_WHITE, 0, 0);
}

/* ------------------------------------------------------------------ */
/* One page of the set                                                  */

static const int dpis3[] = { 150, 200, 300 };

/* Picks resolution, format and geometry for page i of kind k. */
static void cpage_setup(struct cpage *cp, enum ckind k, int set, long i)
{
	cp->kind = k;
	cp->set = set;
	cp->dpi = 300;
	cp->ydpi = 0;
	cp->rotation = 0;
	cp->skew = round((rng_unit() * 2 - 1) * 150) / 100; /* +-1.5 degrees */
	cp->lang_chi = k == CK_FORM_ZH;
	switch (k) {
	case CK_SHADED:
	case CK_FAINT:
		cp->dpi = dpis3[(i + set) % 3];
		break;
	case CK_CARBON:
		cp->dpi = (i + set) % 2 ? 200 : 300;
		break;
	case CK_FAX_LO:
		cp->dpi = 204;
		cp->ydpi = 98;
		break;
	case CK_FAX_HI:
		cp->dpi = 204;
		cp->ydpi = 196;
		break;
	case CK_FORM_ZH:
	case CK_FORM_EN:
		cp->dpi = (i + set) % 3 == 2 ? 200 : 300;
		break;
	case CK_PHOTO:
		cp->dpi = 200;
		cp->skew = 0;
		break;
	case CK_ROTATED:
		cp->rotation = 90 * (int)(1 + (i + set) % 3);
		cp->skew = round((rng_unit() * 2 - 1) * 80) / 100;
		break;
	default:
		break;
	}
}

/* Renders, degrades and writes page i of kind k; 0 or -1 (logged). */
static int cpage_emit(const char *dir, enum ckind k, int set, long i, uint64_t seed)
{
	char base[128], file[160], img[PATH_BUF], js[PATH_BUF];
	struct cpage cp;
	struct page pg;
	PIX *ink = NULL, *out = NULL, *tmp = NULL;
	json_t *root = NULL, *dpi = NULL;
	int rc = -1, iff = IFF_PNG, w, h;
	const char *ext = "png";

	memset(&cp, 0, sizeof cp);
	cp.amounts = json_array();
	cp.ids = json_array();
	cp.barcodes = json_array();
	cp.corners = json_array();
	rng_seed(seed_mix(seed, (uint64_t)i * 131 + (uint64_t)k));
	memset(&pg, 0, sizeof pg);
	cpage_setup(&cp, k, set, i);
	ident_make(&cp.id, &pg, cp.lang_chi ? LANG_CHI : LANG_ENG);
	rec(cp.ids, cp.id.account);
	if ((ink = render(&cp)) == NULL) {
		fprintf(stderr, "%s: %s %ld: cannot render\n", PROG, ck_names[k], i);
		goto out;
	}
	switch (k) {
	case CK_SHADED: {
		int mid = rng_int(105, 150), light_ = rng_int(195, 235);

		tmp = soften(ink, cp.dpi >= 300 ? 1 : 0);
		out = shade(tmp, mid, light_, rng_int(25, 60), 5, rng_int(0, 2) == 0);
		pixDestroy(&tmp);
		tmp = out;
		out = skew_only(tmp, cp.skew);
		cp.fmt = (i + set) % 2 ? "png" : "tiff-gray";
		break;
	}
	case CK_FAINT: {
		int paper = rng_int(222, 245);

		tmp = soften(ink, 1);
		out = shade(tmp, paper, paper - rng_int(0, 25), paper - rng_int(55, 85), 4, 0);
		pixDestroy(&tmp);
		tmp = out;
		out = skew_only(tmp, cp.skew);
		cp.fmt = (i + set) % 2 ? "jpeg" : "png";
		break;
	}
	case CK_CARBON:
		tmp = carbon(ink, (i + set) % 3 == 0);
		out = skew_only(tmp, cp.skew);
		cp.fmt = pixGetDepth(out) == 32 ? "jpeg-rgb" : "tiff-gray";
		break;
	case CK_FAX_LO:
	case CK_FAX_HI:
		tmp = skew_only(ink, cp.skew * 0.5);
		out = fax(tmp, cp.ydpi, cp.dpi);
		cp.fmt = "tiff-g3";
		break;
	case CK_FORM_ZH:
	case CK_FORM_EN:
		out = plain_scan(ink, &cp);
		cp.fmt = (i + set) % 2 ? "png" : "tiff-gray";
		break;
	case CK_PHOTO:
		out = photo(ink, &cp);
		cp.fmt = "jpeg-rgb";
		break;
	case CK_TABLE:
	case CK_ROTATED:
		tmp = plain_scan(ink, &cp);
		out = tmp != NULL ? pixThresholdToBinary(tmp, G4_THRESHOLD) : NULL;
		cp.fmt = "tiff-g4";
		break;
	default:
		goto out;
	}
	if (out == NULL) {
		fprintf(stderr, "%s: %s %ld: cannot degrade\n", PROG, ck_names[k], i);
		goto out;
	}
	if (strcmp(cp.fmt, "tiff-g4") == 0 || strcmp(cp.fmt, "tiff-g3") == 0 ||
	    strcmp(cp.fmt, "tiff-gray") == 0) {
		ext = "tif";
		iff = cp.fmt[5] == 'g' && cp.fmt[6] == '4' ? IFF_TIFF_G4 :
		      cp.fmt[6] == '3' ? IFF_TIFF_G3 : IFF_TIFF_LZW;
	} else if (strncmp(cp.fmt, "jpeg", 4) == 0) {
		ext = "jpg";
		iff = IFF_JFIF_JPEG;
	}
	if (k == CK_PHOTO)
		pixSetResolution(out, 0, 0);
	else
		pixSetResolution(out, cp.dpi, cp.ydpi ? cp.ydpi : cp.dpi);
	if (fmt_str(base, sizeof base, "%s-%s-%03ld", ck_names[k], set_names[set], i + 1) ||
	    fmt_str(file, sizeof file, "%s.%s", base, ext) ||
	    fmt_str(img, sizeof img, "%s/%s", dir, file) ||
	    fmt_str(js, sizeof js, "%s/%s.json", dir, base))
		goto out;
	if (iff == IFF_JFIF_JPEG)
		rc = pixWriteJpeg(img, out, 88, 0);
	else if (iff == IFF_PNG) {
		pixSetZlibCompression(out, 1);
		rc = pixWrite(img, out, IFF_PNG);
	} else
		rc = pixWriteTiff(img, out, iff, "w");
	if (rc != 0) {
		fprintf(stderr, "%s: cannot write %s\n", PROG, img);
		rc = -1;
		goto out;
	}
	rc = -1;
	w = pixGetWidth(out);
	h = pixGetHeight(out);
	dpi = json_pack("[i,i]", cp.dpi, cp.ydpi ? cp.ydpi : cp.dpi);
	root = json_object();
	if (root == NULL || dpi == NULL)
		goto out;
	if (jset(root, "file", json_string(file)) ||
	    jset(root, "set", json_string(set_names[set])) ||
	    jset(root, "kind", json_string(ck_names[k])) ||
	    jset(root, "format", json_string(cp.fmt)) ||
	    jset(root, "dpi", dpi) ||
	    jset(root, "width", json_integer(w)) || jset(root, "height", json_integer(h)) ||
	    jset(root, "skew_deg", json_real(k == CK_PHOTO ? 0 : cp.skew)) ||
	    jset(root, "rotation", json_integer(cp.rotation)) ||
	    jset(root, "lang", json_string(cp.lang_chi ? "chi_sim" : "eng")) ||
	    jset(root, "fonts", json_string(cp.fonts)) ||
	    jset(root, "account", json_string(cp.id.account)) ||
	    jset(root, "text", json_string(sbuf_str(&cp.text))) ||
	    jset(root, "words", words_json(sbuf_str(&cp.flow))) ||
	    jset(root, "amounts", json_incref(cp.amounts)) ||
	    jset(root, "ids", json_incref(cp.ids)) ||
	    jset(root, "barcodes", json_incref(cp.barcodes)) ||
	    (k == CK_PHOTO && jset(root, "corners", json_incref(cp.corners)))) {
		dpi = NULL;
		goto out;
	}
	dpi = NULL;
	if (json_dump_file(root, js, JSON_INDENT(2) | JSON_REAL_PRECISION(10)) != 0) {
		fprintf(stderr, "%s: cannot write %s\n", PROG, js);
		goto out;
	}
	printf("%s\n", img);
	rc = 0;
out:
	json_decref(root);
	json_decref(dpi);
	json_decref(cp.amounts);
	json_decref(cp.ids);
	json_decref(cp.barcodes);
	json_decref(cp.corners);
	sbuf_free(&cp.text);
	sbuf_free(&cp.flow);
	pixDestroy(&ink);
	pixDestroy(&tmp);
	pixDestroy(&out);
	return rc;
}

/* Whether kind name k is in the comma list kinds ("all" or NULL: every kind). */
static int kind_wanted(const char *kinds, const char *k)
{
	size_t n = strlen(k);
	const char *p = kinds;

	if (kinds == NULL || strcmp(kinds, "all") == 0)
		return 1;
	while ((p = strstr(p, k)) != NULL) {
		if ((p == kinds || p[-1] == ',') && (p[n] == '\0' || p[n] == ','))
			return 1;
		p += n;
	}
	return 0;
}

int run_capture(const char *outdir, const char *set, const char *kinds, long count,
		uint64_t seed)
{
	/* The sets never share a seed: each has its own base. */
	static const uint64_t base[SET__MAX] = { 0x7a11e5eedULL, 0xe5a1ba5eULL };
	int s, k, any = 0;
	long i;

	for (k = 0; k < CK__MAX; k++)
		any |= kind_wanted(kinds, ck_names[k]);
	if (!any) {
		fprintf(stderr, "%s: --kinds: no known kind in '%s' (known:", PROG, kinds);
		for (k = 0; k < CK__MAX; k++)
			fprintf(stderr, " %s", ck_names[k]);
		fprintf(stderr, ")\n");
		return -1;
	}
	for (s = 0; s < SET__MAX; s++) {
		if (set != NULL && strcmp(set, set_names[s]) != 0)
			continue;
		for (k = 0; k < CK__MAX; k++) {
			if (!kind_wanted(kinds, ck_names[k]))
				continue;
			for (i = 0; i < count; i++)
				if (cpage_emit(outdir, (enum ckind)k, s, i,
					       seed_mix(base[s], seed)))
					return -1;
		}
	}
	return 0;
}
