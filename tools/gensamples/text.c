/*
 * text.c: who a page is about (names, addresses, banks, accounts, dates) and
 * the sentence machinery ($-code templates, amounts, shuffled decks).
 */
#include "gs.h"

/* ------------------------------------------------------------------ */
/* Word lists and sentence templates.                                  */
/*
 * Templates use $-codes: $N customer, $S salutation, $A account, $D date,
 * $B bank, $P product, $C city, $M a fresh amount, $R a fresh rate,
 * $T a fresh term in months.
 */

static const char *const first_f[] = {
	"Anna", "Maria", "Sarah", "Laura", "Emma", "Sofia", "Helen", "Claire",
	"Julia", "Grace", "Nadia", "Ingrid", "Amara", "Fatima", "Chloe", "Eleanor"
};
static const char *const first_m[] = {
	"James", "David", "Michael", "Thomas", "Daniel", "Peter", "Robert", "Martin",
	"Samuel", "Oliver", "Victor", "Rahul", "Lucas", "Henrik", "George", "Adrian"
};
static const char *const surnames[] = {
	"Smith", "Okafor", "Fernandes", "Kowalski", "Lindqvist", "Brennan", "Moreau",
	"Schneider", "Patel", "Nakamura", "Hughes", "Rossi", "Novak", "Clarke",
	"Dubois", "Jensen", "Murphy", "Bianchi", "Walsh", "Andersen", "Costa",
	"Fischer", "Harrington", "Mendes", "Petrov", "Sullivan", "Whitfield", "Yilmaz"
};
static const char *const streets[] = {
	"Harbour Road", "Mill Lane", "Station Street", "Elm Grove", "Kings Avenue",
	"Church Street", "Park Terrace", "Meadow Close", "Bridge Street",
	"Orchard Way", "Victoria Road", "Castle Hill", "Riverside Drive"
};
static const char *const cities[] = {
	"Bristol", "Leeds", "Dublin", "Cork", "Manchester", "Edinburgh", "Cardiff",
	"Glasgow", "Norwich", "York", "Galway", "Belfast", "Southampton"
};
static const char *const banks[] = {
	"Northbridge Savings Bank", "Harbour and Vale Bank", "Albion Mutual Bank",
	"Westmere Credit Union", "Crescent Trust Bank", "Kingsgate Commercial Bank"
};
static const char *const roles[] = {
	"Customer Relations Manager", "Branch Manager", "Lending Officer",
	"Account Services Team Leader", "Senior Credit Analyst"
};
static const char *const currencies[] = { "EUR", "GBP", "USD" };
static const char *const products[] = {
	"Current account", "Savings account", "Joint current account",
	"Fixed-term deposit", "Business current account"
};
static const char *const categories[] = {
	"BASIC", "CONTRACT", "LOAN", "KYC", "CORRESPONDENCE", "INVOICE"
};

/* Simplified Chinese. */
static const char *const cjk_surnames[] = {
	"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴",
	"徐", "孙", "马", "朱", "胡", "林", "郭", "何", "高", "罗"
};
static const char *const cjk_given[] = {
	"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳",
	"杰", "涛", "明", "超", "秀兰", "建华", "志强", "晓燕", "海燕", "桂英",
	"国平", "丽娟"
};
static const char *const cjk_banks[] = {
	"华信商业银行", "东方储蓄银行", "长江农村商业银行", "新城发展银行"
};
static const char *const cjk_addresses[] = {
	"北京市朝阳区建国路88号", "上海市浦东新区世纪大道100号",
	"广州市天河区体育西路25号", "成都市武侯区人民南路四段12号",
	"南京市鼓楼区中山北路30号", "杭州市西湖区文三路77号"
};
static const char *const cjk_products[] = {
	"个人储蓄账户", "个人结算账户", "定期存款账户"
};

/* ------------------------------------------------------------------ */
/* Text helpers                                                         */

/* Formats cents as "12,345.67". */
int fmt_money(char *buf, size_t n, long long cents)
{
	char digits[32], grouped[48];
	size_t i, o = 0, len;

	if (fmt_str(digits, sizeof digits, "%lld", cents / 100))
		return -1;
	len = strlen(digits);
	for (i = 0; i < len; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			grouped[o++] = ',';
		grouped[o++] = digits[i];
	}
	grouped[o] = '\0';
	return fmt_str(buf, n, "%s.%02lld", grouped, cents % 100);
}

/* A plausible amount with currency, drawn from the RNG. */
void amount_random(char *buf, size_t n, const struct ident *id, enum lang lang)
{
	char num[48];
	long long cents = (long long)rng_int(50, 5000) * 100 * (rng_int(0, 1) ? 10 : 1);

	if (fmt_money(num, sizeof num, cents))
		num[0] = '\0';
	if (lang == LANG_CHI) {
		if (fmt_str(buf, n, "人民币%s元", num))
			buf[0] = '\0';
	} else if (fmt_str(buf, n, "%s %s", id->currency, num)) {
		buf[0] = '\0';
	}
}

/* Appends tpl to b with its $-codes filled in. */
void expand(struct sbuf *b, const char *tpl, const struct ident *id, enum lang lang)
{
	char tmp[96];
	const char *p;

	for (p = tpl; *p != '\0'; p++) {
		if (*p != '$' || p[1] == '\0') {
			sbuf_addn(b, p, 1);
			continue;
		}
		p++;
		tmp[0] = '\0';
		switch (*p) {
		case 'N': sbuf_add(b, id->customer); break;
		case 'S': sbuf_add(b, id->salutation); break;
		case 'A': sbuf_add(b, id->account); break;
		case 'D': sbuf_add(b, id->date_printed); break;
		case 'B': sbuf_add(b, id->bank); break;
		case 'C': sbuf_add(b, id->city); break;
		case 'P':
			if (fmt_str(tmp, sizeof tmp, "%s", id->product) == 0 && lang == LANG_ENG)
				tmp[0] = (char)tolower((unsigned char)tmp[0]);
			sbuf_add(b, tmp);
			break;
		case 'M':
			amount_random(tmp, sizeof tmp, id, lang);
			sbuf_add(b, tmp);
			break;
		case 'R':
			if (fmt_str(tmp, sizeof tmp, "%d.%02d%%", rng_int(1, 8), 25 * rng_int(0, 3)) == 0)
				sbuf_add(b, tmp);
			break;
		case 'T':
			if (fmt_str(tmp, sizeof tmp, "%d", 12 * rng_int(1, 30)) == 0)
				sbuf_add(b, tmp);
			break;
		default:
			sbuf_addn(b, p - 1, 2);
			break;
		}
	}
}


void deck_init(struct deck *d, size_t n)
{
	size_t i;

	d->n = n < NELEM(d->idx) ? n : NELEM(d->idx);
	for (i = 0; i < d->n; i++)
		d->idx[i] = i;
	for (i = d->n; i > 1; i--) {
		size_t j = rng_below(i), t = d->idx[i - 1];

		d->idx[i - 1] = d->idx[j];
		d->idx[j] = t;
	}
	d->next = 0;
}

size_t deck_draw(struct deck *d)
{
	if (d->next >= d->n)
		deck_init(d, d->n);
	return d->idx[d->next++];
}

/* Fills b with count sentences from pool, without repeats. */
void make_para(struct sbuf *b, const char *const *pool, struct deck *d, int count,
		      const struct ident *id, enum lang lang)
{
	int i;

	for (i = 0; i < count; i++) {
		if (i > 0 && lang == LANG_ENG)
			sbuf_add(b, " ");
		expand(b, pool[deck_draw(d)], id, lang);
	}
}


/* ------------------------------------------------------------------ */
/* Identity of the customer on a page.                                 */

/*
 * iso (YYYY-MM-DD) as style prints it: 14/11/2023, 11/14/2023 (us),
 * 14 November 2023 or 2023年11月14日 (long); mixed picks iso, dmy or long
 * from the date itself (no random draw).  0, or -1 when it does not fit.
 */
static int date_print(char *out, size_t n, const char *iso, enum dstyle style,
		      enum lang lang)
{
	static const char *const mon[] = {
		"January", "February", "March", "April", "May", "June", "July",
		"August", "September", "October", "November", "December"
	};
	int y = 0, m = 0, d = 0;

	if (sscanf(iso, "%d-%d-%d", &y, &m, &d) != 3 || m < 1 || m > 12)
		return fmt_str(out, n, "%s", iso);
	/* One bank, one convention: mixed never mixes in month-first. */
	if (style == DS_MIXED)
		style = (enum dstyle[]){ DS_ISO, DS_DMY, DS_LONG }[(y + m * 3 + d * 7) % 3];
	switch (style) {
	case DS_DMY: return fmt_str(out, n, "%02d/%02d/%04d", d, m, y);
	case DS_US: return fmt_str(out, n, "%02d/%02d/%04d", m, d, y);
	case DS_LONG:
		if (lang == LANG_CHI)
			return fmt_str(out, n, "%d年%d月%d日", y, m, d);
		return fmt_str(out, n, "%d %s %d", d, mon[m - 1], y);
	default: return fmt_str(out, n, "%s", iso);
	}
}

void ident_make(struct ident *id, const struct page *pg, enum lang lang)
{
	int female = rng_int(0, 1), year, ok = 0;
	const char *first = female ? PICK(first_f) : PICK(first_m);
	const char *last = PICK(surnames);

	memset(id, 0, sizeof *id);
	if (pg->account != NULL)
		ok |= fmt_str(id->account, sizeof id->account, "%s", pg->account);
	else
		ok |= fmt_str(id->account, sizeof id->account, "ACC-%04d-%06d",
			      rng_int(2016, 2025), rng_int(1, 999999));
	year = atoi(id->account + 4);
	if (year < 2000 || year > 2099)
		year = 2024;
	ok |= fmt_str(id->date, sizeof id->date, "%04d-%02d-%02d",
		      year + rng_int(0, year < 2025 ? 1 : 0), rng_int(1, 12), rng_int(1, 28));
	ok |= fmt_str(id->category, sizeof id->category, "%s",
		      pg->category != NULL ? pg->category : PICK(categories));
	ok |= fmt_str(id->currency, sizeof id->currency, "%s", PICK(currencies));
	ok |= fmt_str(id->officer, sizeof id->officer, "%s %s",
		      rng_int(0, 1) ? PICK(first_f) : PICK(first_m), PICK(surnames));
	ok |= fmt_str(id->role, sizeof id->role, "%s", PICK(roles));
	if (lang == LANG_CHI) {
		ok |= fmt_str(id->customer, sizeof id->customer, "%s%s",
			      PICK(cjk_surnames), PICK(cjk_given));
		ok |= fmt_str(id->salutation, sizeof id->salutation, "%s", id->customer);
		ok |= fmt_str(id->bank, sizeof id->bank, "%s", PICK(cjk_banks));
		ok |= fmt_str(id->street, sizeof id->street, "%s", PICK(cjk_addresses));
		ok |= fmt_str(id->product, sizeof id->product, "%s", PICK(cjk_products));
	} else {
		ok |= fmt_str(id->customer, sizeof id->customer, "%s %s", first, last);
		ok |= fmt_str(id->salutation, sizeof id->salutation, "%s %s",
			      female ? "Ms" : "Mr", last);
		ok |= fmt_str(id->bank, sizeof id->bank, "%s", PICK(banks));
		ok |= fmt_str(id->street, sizeof id->street, "%d %s", rng_int(1, 240), PICK(streets));
		ok |= fmt_str(id->product, sizeof id->product, "%s", PICK(products));
	}
	ok |= fmt_str(id->city, sizeof id->city, "%s", PICK(cities));
	ok |= fmt_str(id->postcode, sizeof id->postcode, "%c%c%d %d%c%c",
		      'A' + rng_int(0, 25), 'A' + rng_int(0, 25), rng_int(1, 20),
		      rng_int(1, 9), 'A' + rng_int(0, 25), 'A' + rng_int(0, 25));
	ok |= fmt_str(id->bank_street, sizeof id->bank_street, "%d %s",
		      rng_int(1, 90), PICK(streets));
	ok |= fmt_str(id->bank_city, sizeof id->bank_city, "%s", PICK(cities));
	/* Given ones replace the drawn ones, after every draw: the rest of
	 * the page stays as it would be. */
	if (pg->customer != NULL) {
		const char *sp = strrchr(pg->customer, ' ');

		ok |= fmt_str(id->customer, sizeof id->customer, "%s", pg->customer);
		ok |= fmt_str(id->salutation, sizeof id->salutation, "%s%s",
			      lang == LANG_CHI ? "" : female ? "Ms " : "Mr ",
			      lang == LANG_CHI || sp == NULL ? pg->customer : sp + 1);
	}
	ok |= date_print(id->date_printed, sizeof id->date_printed, id->date,
			 pg->dstyle, lang);
	/* Every field is far larger than anything the lists can produce. */
	if (ok != 0)
		fprintf(stderr, "%s: %s: field truncated\n", PROG, __func__);
}
