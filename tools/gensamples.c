/*
 * gensamples.c -- synthetic "scanned" customer documents with ground truth.
 *
 * Renders realistic A4 pages with cairo (letters, account opening forms,
 * contracts, invoices, dossier cover sheets and separator sheets; English or
 * simplified Chinese) and barcodes with zint. It then "scans" them with
 * Leptonica (skew, quarter turns, speckles and gray noise) and writes them as
 * TIFF (G4, 1-bit LZW, 8-bit gray LZW or JPEG, 24-bit colour LZW or JPEG), PNG,
 * JPEG or PDF, one page or several to a file. Next to every file it writes
 * NAME.json, which holds what a perfect reader would find on the page(s). The
 * demo (`make run`), the tests and the benchmarks use these pages. The output
 * is deterministic: the same arguments give the same files, byte for byte.
 *
 * Usage:
 *   gensamples -o DIR [--seed N] [--count N] [--kind KIND|mixed]
 *              [--format FMT|mixed] [--dpi N] [--skew DEG | --skew-range DEG]
 *              [--rotate 0|90|180|270] [--barcode TYPE|mixed|none]
 *              [--lang eng|chi_sim] [--noise 0|1] [--pages N] [--prefix NAME]
 *              [--account ACC] [--customer NAME] [--date-style STYLE]
 *   gensamples --demo -o DIR [--prefix NAME]
 *   gensamples --bench -o DIR [--count N] [--seed N] [--prefix NAME]
 *
 *   KIND    letter, account-form, contract, invoice, coversheet, separator,
 *           id-copy (a certified copy of an identity document)
 *   STYLE   iso, dmy, us, long, mixed (iso, dmy or long): how a document
 *           prints its own date (the ground truth "date" is always
 *           YYYY-MM-DD)
 *   FMT     tiff-g4, tiff-gray, tiff-1bit-lzw, tiff-jpeg, tiff-rgb, tiff-jpeg-rgb,
 *           png, jpeg, pdf
 *   TYPE    code128, code39, qr, i25, ean13, upca
 *
 * --pages N (TIFF formats and pdf) puts N pages of one customer's document
 * into each file, with ground truth in the layout of the demo batch.
 *
 * Build:
 *   cc -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Wshadow
 *      -Wstrict-prototypes -Wmissing-prototypes -O2 tools/gensamples.c
 *      $(pkg-config --cflags --libs cairo lept jansson) -lzint -lm
 *      -o build/gensamples
 *
 * Skew convention: "skew_deg" in the ground truth is the angle, in degrees,
 * that was passed to Leptonica's pixRotate(). Leptonica counts clockwise as
 * positive, as the image is displayed (y axis pointing down). pixFindSkew()
 * on the written page therefore reports about -skew_deg, and
 * pixRotate(-skew_deg) straightens it. "rotation" is a quarter turn applied
 * after the skew, clockwise (pixRotateOrth).
 *
 * tools/README.md describes the ground truth files.
 */

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <cairo.h>
#include <jansson.h>
#include <leptonica/allheaders.h>
#include <zint.h>

#define PROG "gensamples"
#define PI_D 3.14159265358979323846

#define A4_W_MM 210.0
#define A4_H_MM 297.0
#define MARGIN_MM 22.0        /* left and right */
#define TOP_MM 20.0
#define BOTTOM_MM 24.0        /* text column ends here; the footer sits below */
#define FOOTER_MM 12.0        /* footer baseline, from the bottom edge */

#define LINE_H 1.38           /* line advance, in font sizes */
#define PARA_GAP 0.55         /* extra space after a paragraph, in font sizes */
#define FIELD_GAP 0.6         /* extra space after a ruled form field */
#define BODY_PT 11.0

#define DPI_MIN 72
#define DPI_MAX 600
#define COUNT_MAX 100000
#define PAGES_MAX 16          /* pages in one multi-page file */
#define SKEW_MAX 45.0
#define G4_THRESHOLD 140      /* gray < threshold becomes black */
#define JPEG_QUALITY 85
#define PATH_BUF 4096
#define LINE_BUF 1024
#define SBUF_MAX (1u << 20)   /* hard cap for one page's ground truth text */

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define PICK(a) ((a)[rng_below(NELEM(a))])

#ifdef __GNUC__
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define PRINTF_LIKE(f, a)
#endif

/* ------------------------------------------------------------------ */
/* Kinds, formats, barcodes, languages                                 */

enum kind {
	KIND_LETTER,
	KIND_FORM,
	KIND_CONTRACT,
	KIND_INVOICE,
	KIND_COVER,
	KIND_SEPARATOR,
	KIND_IDCOPY,            /* a customer document, not in "mixed" */
	KIND__MAX
};

static const char *const kind_names[KIND__MAX] = {
	"letter", "account-form", "contract", "invoice", "coversheet", "separator",
	"id-copy"
};

#define DOC_KINDS 4 /* the first four kinds are customer documents */
/* Customer documents: those, and a certified ID copy (always English). */
#define IS_DOC(k) ((k) < DOC_KINDS || (k) == KIND_IDCOPY)

/* How the document's own date is printed (its ground truth stays ISO). */
enum dstyle { DS_ISO, DS_DMY, DS_US, DS_LONG, DS_MIXED, DS__MAX };
static const char *const dstyle_names[DS__MAX] = {
	"iso", "dmy", "us", "long", "mixed"
};

enum fmt {
	FMT_G4,
	FMT_GRAY,
	FMT_PNG,
	FMT_JPEG,
	FMT_1BIT_LZW,
	FMT_TIFF_JPEG,
	FMT_RGB,
	FMT_TIFF_JPEG_RGB,
	FMT_PDF,
	FMT__MAX
};

static const char *const fmt_names[FMT__MAX] = {
	"tiff-g4", "tiff-gray", "png", "jpeg", "tiff-1bit-lzw", "tiff-jpeg", "tiff-rgb",
	"tiff-jpeg-rgb", "pdf"
};

/*
 * How each format is written: file name extension, Leptonica file format
 * (IFF_LPDF stands for a PDF holding one JPEG image per page), and the depth
 * of the written pixels: 1 (threshold G4_THRESHOLD), 8 (gray) or 32 (colour,
 * see colorize()).
 */
static const struct fmt_spec {
	const char *ext;
	int iff;
	int depth;
} fmt_specs[FMT__MAX] = {
	[FMT_G4] = { "tif", IFF_TIFF_G4, 1 },
	[FMT_GRAY] = { "tif", IFF_TIFF_LZW, 8 },
	[FMT_PNG] = { "png", IFF_PNG, 8 },
	[FMT_JPEG] = { "jpg", IFF_JFIF_JPEG, 8 },
	[FMT_1BIT_LZW] = { "tif", IFF_TIFF_LZW, 1 },
	[FMT_TIFF_JPEG] = { "tif", IFF_TIFF_JPEG, 8 },
	[FMT_RGB] = { "tif", IFF_TIFF_LZW, 32 },
	[FMT_TIFF_JPEG_RGB] = { "tif", IFF_TIFF_JPEG, 32 },
	[FMT_PDF] = { "pdf", IFF_LPDF, 8 },
};

/* Colour formats: black ink becomes INK_*, white paper PAPER_*. */
#define INK_R 24
#define INK_G 34
#define INK_B 96
#define PAPER_R 252
#define PAPER_G 246
#define PAPER_B 228

enum bc { BC_NONE, BC_CODE128, BC_CODE39, BC_QR, BC_I25, BC_EAN13, BC_UPCA, BC__MAX };

static const char *const bc_names[BC__MAX] = {
	"none", "code128", "code39", "qr", "i25", "ean13", "upca"
};
/*
 * zbar's names. zbar reports UPC-A as such only with UPC-A enabled (as
 * dossier does; zbarimg -Supca.enable), otherwise as EAN-13 with a leading 0.
 */
static const char *const bc_zbar[BC__MAX] = {
	"", "CODE-128", "CODE-39", "QR-Code", "I2/5", "EAN-13", "UPC-A"
};
static const int bc_zint[BC__MAX] = {
	0, BARCODE_CODE128, BARCODE_CODE39, BARCODE_QRCODE, BARCODE_C25INTER, BARCODE_EANX,
	BARCODE_UPCA
};

enum lang { LANG_ENG, LANG_CHI, LANG__MAX };

static const char *const lang_names[LANG__MAX] = { "eng", "chi_sim" };

enum face { FACE_SERIF, FACE_SANS, FACE_MONO };

enum align { ALIGN_LEFT, ALIGN_CENTER, ALIGN_RIGHT };

/* How a drawn line ends: a real break, or a paragraph wrap (with a blank). */
enum brk { BRK_HARD, BRK_WRAP, BRK_WRAP_BLANK };

/* What to put on one page and how to "scan" it. */
struct page {
	enum kind kind;
	enum fmt fmt;
	enum bc barcode;        /* document pages only */
	enum lang lang;         /* document pages only; sheets are English */
	int dpi;
	double skew_deg;        /* passed to pixRotate: clockwise positive */
	int rotation;           /* 0, 90, 180, 270 clockwise */
	int noise;
	uint64_t seed;          /* content and noise */
	uint64_t ident_seed;    /* customer, account and date */
	int part, parts;        /* contract page part of parts, 1-based */
	const char *account;    /* NULL: random */
	const char *category;   /* coversheets; NULL: random */
	const char *customer;   /* NULL: random */
	enum dstyle dstyle;     /* how the document's date is printed */
};

/* Who and what a page is about. */
struct ident {
	char account[24];
	char customer[64];
	char salutation[64];
	char date[16];
	char date_printed[40];  /* the date as printed (date_style) */
	char category[24];
	char bank[64];
	char bank_street[64];
	char bank_city[32];
	char street[64];
	char city[64];
	char postcode[16];
	char currency[8];
	char product[48];
	char officer[64];
	char role[48];
};

/* ------------------------------------------------------------------ */
/* Random numbers: xorshift64*, the only mutable global state.         */

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

/* Mixes a seed with splitmix64 so that nearby seeds give unrelated streams. */
static uint64_t seed_mix(uint64_t a, uint64_t b)
{
	uint64_t z = a + 0x9e3779b97f4a7c15ULL * (b + 1);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void rng_seed(uint64_t seed)
{
	rng_state = seed_mix(seed, 0);
	if (rng_state == 0)
		rng_state = 1;
}

static uint64_t rng_next(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

/* Uniform in [0, n); n > 0. */
static size_t rng_below(size_t n)
{
	return (size_t)((rng_next() >> 11) % n);
}

/* Uniform in [lo, hi], inclusive. */
static int rng_int(int lo, int hi)
{
	return lo + (int)rng_below((size_t)(hi - lo + 1));
}

/* Uniform in [0, 1). */
static double rng_unit(void)
{
	return (double)(rng_next() >> 11) / 9007199254740992.0;
}

/* ------------------------------------------------------------------ */
/* Growable string buffer with a hard maximum. Errors are sticky.      */

struct sbuf {
	char *p;
	size_t len, cap;
	int err;
};

static void sbuf_addn(struct sbuf *b, const char *s, size_t n)
{
	size_t need;
	char *np;

	if (b->err)
		return;
	need = b->len + n + 1;
	if (need > SBUF_MAX) {
		b->err = 1;
		return;
	}
	if (need > b->cap) {
		size_t cap = b->cap ? b->cap : 256;

		while (cap < need)
			cap *= 2;
		if (cap > SBUF_MAX)
			cap = SBUF_MAX;
		np = realloc(b->p, cap);
		if (np == NULL) {
			b->err = 1;
			return;
		}
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void sbuf_add(struct sbuf *b, const char *s)
{
	sbuf_addn(b, s, strlen(s));
}

static void sbuf_free(struct sbuf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
	b->err = 0;
}

/* Contents as a C string; "" when empty. Borrowed. */
static const char *sbuf_str(const struct sbuf *b)
{
	return b->p ? b->p : "";
}

/* snprintf that reports truncation as failure (-1). */
static int PRINTF_LIKE(3, 4) fmt_str(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	int k;

	va_start(ap, fmt);
	k = vsnprintf(buf, n, fmt, ap);
	va_end(ap);
	if (k < 0 || (size_t)k >= n)
		return -1;
	return 0;
}

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
static const char *const nationalities[] = {
	"British", "Irish", "Polish", "Portuguese", "German", "Italian", "Dutch",
	"Indian", "Nigerian", "Swedish"
};
static const char *const occupations[] = {
	"Teacher", "Civil engineer", "Nurse", "Accountant", "Software developer",
	"Self-employed builder", "Pharmacist", "Retired", "Shop manager",
	"Graphic designer"
};

static const char *const letter_subjects[] = {
	"Confirmation of account opening", "Change to your interest rate",
	"Annual review of your account", "Your loan repayment schedule",
	"Request for updated identification documents",
	"Changes to our terms and conditions"
};
static const char *const letter_sentences[] = {
	"Thank you for choosing $B for your banking needs.",
	"We are writing to confirm that your $P, account number $A, was opened on $D.",
	"Your new debit card will be sent to you separately within the next seven working days.",
	"Please check the enclosed statement carefully and tell us promptly about any entry you do not recognise.",
	"The interest rate applicable to your account from $D will be $R per year.",
	"If you have any questions about this letter, please call our customer service team or visit your local branch.",
	"We have updated our terms and conditions, and a copy of the new terms is enclosed with this letter.",
	"Your monthly repayment of $M will be collected by direct debit on the first working day of each month.",
	"For your security, we will never ask you to disclose your full password or personal identification number.",
	"We have received the documents you sent us and they have been added to your customer file.",
	"Our records show that the balance of your account on $D was $M.",
	"You do not need to take any action unless you wish to change the way your account is managed.",
	"Please keep this letter in a safe place together with your other account documents.",
	"Under current regulations, the identification documents we hold for you must be kept up to date.",
	"If you would like to discuss your options, our advisers are available from Monday to Friday between nine and five.",
	"Any change to your contact details should be reported to us in writing as soon as possible.",
	"The overdraft limit on your account has been reviewed and will remain at $M.",
	"We are sorry for any inconvenience this may cause and thank you for your patience.",
	"A summary of the fees that apply to your account is available at any of our branches.",
	"Our branch in $C will be happy to help you with any further questions."
};
static const char *const contract_titles[] = {
	"LOAN AGREEMENT", "MORTGAGE LOAN AGREEMENT", "PERSONAL LOAN CONTRACT",
	"OVERDRAFT FACILITY AGREEMENT"
};
static const char *const clause_titles[] = {
	"Definitions", "The Loan", "Interest", "Repayment", "Early Repayment",
	"Fees and Charges", "Security", "Events of Default", "Notices",
	"Assignment", "Governing Law"
};
static const char *const contract_sentences[] = {
	"The Lender agrees to make available to the Borrower a loan of $M on the terms of this agreement.",
	"The loan shall be repaid in $T equal monthly instalments starting one month after the drawdown date.",
	"Interest shall accrue daily on the outstanding balance at a fixed rate of $R per year.",
	"The Borrower may repay the whole or any part of the loan early by giving the Lender not less than thirty days written notice.",
	"All payments under this agreement shall be made to account $A without set-off or counterclaim.",
	"If the Borrower fails to pay any amount when due, the Lender may charge default interest on the overdue amount.",
	"The Borrower confirms that the information provided in the application is true, complete and accurate.",
	"Any notice under this agreement shall be given in writing and delivered by hand or sent by post to the address stated above.",
	"This agreement shall be governed by the laws of the jurisdiction in which the account is held.",
	"The Lender may assign or transfer its rights under this agreement without the consent of the Borrower.",
	"No failure or delay by the Lender in exercising any right shall operate as a waiver of that right.",
	"The Borrower shall inform the Lender promptly of any change of address, employment or financial circumstances.",
	"An arrangement fee of $M is payable on the date of this agreement and may be added to the loan.",
	"If any provision of this agreement is found to be invalid, the remaining provisions shall continue in full force and effect.",
	"The Lender shall provide the Borrower with an annual statement showing all payments received and the balance outstanding.",
	"In this agreement, business day means a day on which banks are open for general business in $C."
};
static const char *const declaration_sentences[] = {
	"I declare that the information given in this form is correct and complete to the best of my knowledge.",
	"I agree that $B may verify my identity using the documents provided and electronic checks.",
	"I have received, read and accepted the general terms and conditions for the account.",
	"I understand that the bank may refuse to open an account without giving a reason.",
	"I consent to the processing of my personal data for the purpose of managing this account.",
	"I will inform the bank promptly of any change in my circumstances or contact details."
};
static const char *const invoice_items[] = {
	"Account maintenance fee", "Safe deposit box rental",
	"International transfer charge", "Document retrieval service",
	"Card replacement fee", "Statement copy request",
	"Legal review of loan documents", "Property valuation report",
	"Arrangement fee", "Payment tracing request"
};
static const char *const invoice_sentences[] = {
	"Payment is due within thirty days of the invoice date.",
	"Please quote your account number $A with every payment.",
	"The amount due will be debited from your account unless you notify us otherwise.",
	"Late payments may incur interest at $R per year above the base rate.",
	"Thank you for banking with $B."
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
static const char *const cjk_titles[DOC_KINDS] = {
	"客户通知函", "客户账户开户申请表", "个人贷款合同", "银行服务费发票"
};
static const char *const cjk_sentences[] = {
	"感谢您一直以来对本行的信任与支持。",
	"本行已收到您提交的开户申请，相关资料已审核完毕。",
	"您的账户$A已于$D正式开立，可办理存取款及转账业务。",
	"请妥善保管您的银行卡及密码，切勿向他人透露。",
	"如您的联系方式发生变更，请及时到网点办理变更手续。",
	"根据监管要求，请于三十日内提供有效身份证件复印件。",
	"本行将依法保护客户的个人信息和账户资金安全。",
	"开户后，您可以通过网上银行和手机银行查询交易明细。",
	"如您对本通知有任何疑问，请联系您的客户经理。",
	"本申请表一式两份，银行和客户各执一份。",
	"申请人承诺所提供的资料真实、完整、有效。",
	"截至$D，您的账户余额为$M。"
};
static const char *const cjk_clauses[] = {
	"第一条 借款金额", "第二条 借款期限", "第三条 贷款利率",
	"第四条 还款方式", "第五条 违约责任", "第六条 争议解决"
};
static const char *const cjk_contract_sentences[] = {
	"借款人向贷款人申请贷款$M，用于个人消费。",
	"贷款期限为$T个月，自贷款发放之日起计算。",
	"贷款年利率为$R，按月计息，按月还款。",
	"借款人应按照还款计划按时足额偿还贷款本金及利息。",
	"还款计划详见本合同附件，借款人应予以确认。",
	"如借款人逾期还款，贷款人有权按合同约定收取罚息。",
	"借款人可以提前还款，但应提前三十日书面通知贷款人。",
	"双方因履行本合同发生争议的，应协商解决；协商不成的，可向贷款人所在地人民法院起诉。",
	"本合同自双方签字盖章之日起生效，至借款人还清全部本息之日终止。",
	"每月还款金额为$M，从借款人账户$A自动扣收。"
};
static const char *const cjk_invoice_items[] = {
	"账户管理费", "跨行转账手续费", "短信通知服务费", "保管箱租金", "贷款评估费"
};
static const char *const cjk_invoice_sentences[] = {
	"请于收到本发票之日起三十日内付款。",
	"付款时请注明账户号码$A。",
	"如有疑问，请致电客户服务热线。"
};

/* ------------------------------------------------------------------ */
/* Text helpers                                                         */

/* Formats cents as "12,345.67". */
static int fmt_money(char *buf, size_t n, long long cents)
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
static void amount_random(char *buf, size_t n, const struct ident *id, enum lang lang)
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
static void expand(struct sbuf *b, const char *tpl, const struct ident *id, enum lang lang)
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

/* A shuffled deck of indices into a sentence pool: no repeats on a page. */
struct deck {
	size_t idx[64];
	size_t n, next;
};

static void deck_init(struct deck *d, size_t n)
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

static size_t deck_draw(struct deck *d)
{
	if (d->next >= d->n)
		deck_init(d, d->n);
	return d->idx[d->next++];
}

/* Fills b with count sentences from pool, without repeats. */
static void make_para(struct sbuf *b, const char *const *pool, struct deck *d, int count,
		      const struct ident *id, enum lang lang)
{
	int i;

	for (i = 0; i < count; i++) {
		if (i > 0 && lang == LANG_ENG)
			sbuf_add(b, " ");
		expand(b, pool[deck_draw(d)], id, lang);
	}
}

/* Byte length of the UTF-8 sequence at s (1 for stray bytes, never past NUL). */
static size_t utf8_len(const char *s)
{
	unsigned char c = (unsigned char)s[0];
	size_t n = 1, i;

	if (c >= 0xf0)
		n = 4;
	else if (c >= 0xe0)
		n = 3;
	else if (c >= 0xc0)
		n = 2;
	for (i = 1; i < n; i++)
		if (s[i] == '\0')
			return i;
	return n;
}

static const char *const cjk_punct[] = {
	"，", "。", "、", "；", "：", "！", "？", "（", "）", "《", "》", "“", "”"
};

static int is_cjk_punct(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < NELEM(cjk_punct); i++)
		if (strlen(cjk_punct[i]) == n && memcmp(s, cjk_punct[i], n) == 0)
			return 1;
	return 0;
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

static void ident_make(struct ident *id, const struct page *pg, enum lang lang)
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

/* ------------------------------------------------------------------ */
/* Page layout on a cairo A8 surface.                                  */
/*
 * The surface holds ink coverage: 0 is blank paper, 255 is full ink.
 * Every line drawn is also appended to the ground truth text, in order.
 */

struct lay {
	cairo_t *cr;
	struct sbuf *text;      /* lines as drawn, joined with \n */
	struct sbuf *flow;      /* the same with wrapped lines joined again */
	double dpi;
	double page_w, page_h;
	double left, right;     /* text column, px */
	double bottom;          /* no line may end below this, px */
	double y;               /* top of the next line, px */
	double size;            /* current font size, px */
	enum face face;
	int bold;
	int cjk;                /* Chinese page: one CJK font for everything */
	int full;               /* column is full: later lines are dropped */
	enum brk brk;           /* how the last recorded line ended */
};

static double mm_px(const struct lay *l, double mm)
{
	return mm / 25.4 * l->dpi;
}

static double pt_px(const struct lay *l, double pt)
{
	return pt * l->dpi / 72.0;
}

static void lay_init(struct lay *l, cairo_t *cr, struct sbuf *text, struct sbuf *flow,
		     int dpi, int w, int h, int cjk)
{
	memset(l, 0, sizeof *l);
	l->cr = cr;
	l->text = text;
	l->flow = flow;
	l->dpi = dpi;
	l->page_w = w;
	l->page_h = h;
	l->left = mm_px(l, MARGIN_MM);
	l->right = w - mm_px(l, MARGIN_MM);
	l->y = mm_px(l, TOP_MM);
	l->bottom = h - mm_px(l, BOTTOM_MM);
	l->cjk = cjk;
}

static void lay_font(struct lay *l, enum face face, int bold, double pt)
{
	static const char *const families[] = { "DejaVu Serif", "DejaVu Sans", "DejaVu Sans Mono" };
	const char *family = l->cjk ? "WenQuanYi Micro Hei" : families[face];

	l->face = face;
	l->bold = bold;
	l->size = pt_px(l, pt);
	cairo_select_font_face(l->cr, family, CAIRO_FONT_SLANT_NORMAL,
			       bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(l->cr, l->size);
}

static void lay_gap(struct lay *l, double pt)
{
	l->y += pt_px(l, pt);
}

static double text_width(const struct lay *l, const char *s)
{
	cairo_text_extents_t ext;

	cairo_text_extents(l->cr, s, &ext);
	return ext.x_advance;
}

/* Appends one line to the ground truth text; brk tells how it ends. */
static void lay_record_brk(struct lay *l, const char *s, enum brk brk)
{
	if (*s == '\0')
		return;
	if (l->text->len > 0)
		sbuf_add(l->text, "\n");
	sbuf_add(l->text, s);
	if (l->flow->len > 0 && l->brk != BRK_WRAP)
		sbuf_add(l->flow, l->brk == BRK_WRAP_BLANK ? " " : "\n");
	sbuf_add(l->flow, s);
	l->brk = brk;
}

static void lay_record(struct lay *l, const char *s)
{
	lay_record_brk(l, s, BRK_HARD);
}

/* Reserves room for one line; returns its baseline, or -1 if the column is full. */
static double lay_take_line(struct lay *l)
{
	double adv = l->size * LINE_H, base;

	if (l->full || l->y + adv > l->bottom) {
		l->full = 1;
		return -1;
	}
	base = l->y + l->size * 0.95;
	l->y += adv;
	return base;
}

static void draw_at(struct lay *l, double x, double base, const char *s)
{
	cairo_move_to(l->cr, x, base);
	cairo_show_text(l->cr, s);
}

static void lay_line_brk(struct lay *l, enum align a, const char *s, enum brk brk)
{
	double base = lay_take_line(l), x = l->left, w;

	if (base < 0 || *s == '\0')
		return;
	w = text_width(l, s);
	if (a == ALIGN_CENTER)
		x = (l->left + l->right - w) / 2;
	else if (a == ALIGN_RIGHT)
		x = l->right - w;
	draw_at(l, x, base, s);
	lay_record_brk(l, s, brk);
}

static void lay_line(struct lay *l, enum align a, const char *s)
{
	lay_line_brk(l, a, s, BRK_HARD);
}

/*
 * Next wrap unit of s from *pos: a run of non-blank ASCII bytes or one
 * non-ASCII character. *space tells whether blanks came before it.
 * Returns 0 at the end of s.
 */
static int wrap_next(const char *s, size_t *pos, char *unit, size_t cap, int *space)
{
	size_t p = *pos, n = 0;

	*space = 0;
	while (s[p] == ' ' || s[p] == '\n') {
		*space = 1;
		p++;
	}
	if (s[p] == '\0')
		return 0;
	if ((unsigned char)s[p] >= 0x80) {
		n = utf8_len(s + p);
		memcpy(unit, s + p, n);
		p += n;
	} else {
		while (s[p] != '\0' && s[p] != ' ' && s[p] != '\n' &&
		       (unsigned char)s[p] < 0x80 && n + 1 < cap)
			unit[n++] = s[p++];
	}
	unit[n] = '\0';
	*pos = p;
	return 1;
}

/* Draws s as a left-aligned paragraph wrapped to the column. */
static void lay_para(struct lay *l, const char *s)
{
	char line[LINE_BUF], cand[LINE_BUF], unit[256];
	size_t pos = 0, n = 0;
	double width = l->right - l->left;
	int space;

	line[0] = '\0';
	while (wrap_next(s, &pos, unit, sizeof unit, &space)) {
		int too_long = fmt_str(cand, sizeof cand, "%s%s%s", line,
				      (n > 0 && space) ? " " : "", unit) != 0;
		int punct = is_cjk_punct(unit, strlen(unit));

		if (n > 0 && (too_long || (text_width(l, cand) > width && !punct))) {
			lay_line_brk(l, ALIGN_LEFT, line, space ? BRK_WRAP_BLANK : BRK_WRAP);
			if (fmt_str(cand, sizeof cand, "%s", unit))
				continue;
		}
		n = strlen(cand);
		memcpy(line, cand, n + 1);
	}
	if (n > 0)
		lay_line(l, ALIGN_LEFT, line);
	l->y += l->size * PARA_GAP;
}

/*
 * A form field: bold label, value at value_x, optionally a rule under the
 * value. Recorded as "label value".
 */
static void lay_field(struct lay *l, const char *label, const char *value,
		      double value_x, int rule)
{
	char rec[LINE_BUF];
	double base = lay_take_line(l);
	enum face face = l->face;
	double pt = l->size * 72.0 / l->dpi;

	if (base < 0)
		return;
	lay_font(l, face, 1, pt);
	draw_at(l, l->left, base, label);
	lay_font(l, face, 0, pt);
	draw_at(l, value_x, base, value);
	if (rule) {
		double ry = base + l->size * 0.32;

		cairo_set_line_width(l->cr, fmax(1.0, l->dpi / 150.0));
		cairo_move_to(l->cr, value_x - l->size * 0.2, ry);
		cairo_line_to(l->cr, l->right, ry);
		cairo_stroke(l->cr);
	}
	if (fmt_str(rec, sizeof rec, "%s%s%s", label, *value ? " " : "", value) == 0)
		lay_record(l, rec);
	/* Ruled fields get air, so the rule stays clear of the next row. */
	if (rule)
		l->y += l->size * FIELD_GAP;
}

/* One line of table cells at absolute x; right-aligned cells end at x. */
struct cell {
	const char *s;
	double x;
	int right;
};

static void lay_cells(struct lay *l, const struct cell *c, size_t n)
{
	char rec[LINE_BUF];
	size_t i, used = 0;
	double base = lay_take_line(l);

	if (base < 0)
		return;
	rec[0] = '\0';
	for (i = 0; i < n; i++) {
		double x = c[i].right ? c[i].x - text_width(l, c[i].s) : c[i].x;

		draw_at(l, x, base, c[i].s);
		if (*c[i].s == '\0')
			continue;
		if (fmt_str(rec + used, sizeof rec - used, "%s%s", used ? " " : "", c[i].s) == 0)
			used = strlen(rec);
	}
	lay_record(l, rec);
}

/* A horizontal rule across the column. */
static void lay_rule(struct lay *l, double pt)
{
	double t = fmax(1.0, pt_px(l, pt));

	if (l->full)
		return;
	l->y += pt_px(l, 3);
	cairo_rectangle(l->cr, l->left, l->y, l->right - l->left, t);
	cairo_fill(l->cr);
	l->y += t + pt_px(l, 5);
}

/* Footer line in the bottom margin, centred; recorded last. */
static void lay_footer(struct lay *l, const char *s)
{
	double base = l->page_h - mm_px(l, FOOTER_MM);

	lay_font(l, FACE_SANS, 0, 8);
	draw_at(l, (l->left + l->right - text_width(l, s)) / 2, base, s);
	lay_record(l, s);
}

/* Copies a zint bitmap onto the surface at the current line; advances y. */
static void lay_symbol(struct lay *l, const struct zint_symbol *sym, enum align a)
{
	cairo_surface_t *surf = cairo_get_target(l->cr);
	unsigned char *data;
	int stride, sw, sh, bw = sym->bitmap_width, bh = sym->bitmap_height, r, c, x0, y0;

	cairo_surface_flush(surf);
	data = cairo_image_surface_get_data(surf);
	stride = cairo_image_surface_get_stride(surf);
	sw = cairo_image_surface_get_width(surf);
	sh = cairo_image_surface_get_height(surf);
	x0 = (int)l->left;
	if (a == ALIGN_CENTER)
		x0 = (int)((l->left + l->right - bw) / 2);
	else if (a == ALIGN_RIGHT)
		x0 = (int)(l->right - bw);
	y0 = (int)l->y;
	for (r = 0; r < bh; r++) {
		unsigned char *row;

		if (y0 + r < 0 || y0 + r >= sh)
			continue;
		row = data + (size_t)(y0 + r) * (size_t)stride;
		for (c = 0; c < bw; c++) {
			const unsigned char *px = sym->bitmap + ((size_t)r * (size_t)bw + (size_t)c) * 3;

			if (x0 + c >= 0 && x0 + c < sw)
				row[x0 + c] = px[0] < 128 ? 255 : 0;
		}
	}
	cairo_surface_mark_dirty(surf);
	l->y += bh;
}

/* ------------------------------------------------------------------ */
/* Barcodes                                                             */

/* EAN-13 check digit of 12 digits. */
static int ean13_check(const char *d12)
{
	int i, sum = 0;

	for (i = 0; i < 12; i++)
		sum += (d12[i] - '0') * (i % 2 ? 3 : 1);
	return (10 - sum % 10) % 10;
}

/*
 * What to encode for a barcode carrying the account number, and what a
 * reader such as zbar reports for it. Returns -1 if the account does not fit.
 */
static int barcode_payload(enum bc type, const char *account, char *data, size_t dn,
			   char *expect, size_t en)
{
	char digits[24];
	size_t i, n = 0;

	for (i = 0; account[i] != '\0' && n + 1 < sizeof digits; i++)
		if (isdigit((unsigned char)account[i]))
			digits[n++] = account[i];
	digits[n] = '\0';
	switch (type) {
	case BC_I25:
		/*
		 * Digits only, even count: ACC-YYYY-NNNNNN gives ten. I2/5 has no
		 * check character: on skewed pages zbar also reports shorter
		 * numbers unless told the length (i25.min-length=10).
		 */
		if (n == 0 || n % 2 != 0)
			return -1;
		if (fmt_str(data, dn, "%s", digits) || fmt_str(expect, en, "%s", digits))
			return -1;
		return 0;
	case BC_EAN13:
		/* 20-29 is the in-store prefix range; "20" + ten digits. */
		if (n != 10 || fmt_str(data, dn, "20%s", digits))
			return -1;
		return fmt_str(expect, en, "%s%d", data, ean13_check(data));
	case BC_UPCA: {
		char d12[16];

		/*
		 * Number system 2 (in-store) + ten digits. UPC-A is EAN-13 with a
		 * leading 0, so the check digit is EAN-13's of "0" + the eleven.
		 */
		if (n != 10 || fmt_str(data, dn, "2%s", digits) ||
		    fmt_str(d12, sizeof d12, "0%s", data))
			return -1;
		return fmt_str(expect, en, "%s%d", data, ean13_check(d12));
	}
	default:
		if (fmt_str(data, dn, "%s", account) || fmt_str(expect, en, "%s", account))
			return -1;
		return 0;
	}
}

/*
 * Encodes data as a raster symbol: module_px pixels per module, height_mm tall
 * (linear codes), with quiet zones and without zint's own text. The caller
 * frees the result with ZBarcode_Delete(). NULL on error, already logged.
 */
static struct zint_symbol *barcode_make(enum bc type, const char *data, int dpi,
					double module_mm, double height_mm)
{
	struct zint_symbol *sym = ZBarcode_Create();
	int module_px, rc;

	if (sym == NULL) {
		fprintf(stderr, "%s: %s: out of memory\n", PROG, __func__);
		return NULL;
	}
	module_px = (int)lround(module_mm / 25.4 * dpi);
	if (module_px < 2)
		module_px = 2;
	sym->symbology = bc_zint[type];
	sym->scale = (float)module_px / 2.0f;  /* raster: scale 1 = 2 px per module */
	sym->height = (float)(height_mm / 25.4 * dpi / module_px);
	sym->show_hrt = 0;
	sym->output_options |= BARCODE_QUIET_ZONES;
	sym->input_mode = DATA_MODE;
	rc = ZBarcode_Encode_and_Buffer(sym, (const unsigned char *)data, (int)strlen(data), 0);
	if (rc >= ZINT_ERROR || sym->bitmap == NULL) {
		fprintf(stderr, "%s: %s: %s: %s\n", PROG, __func__, bc_names[type], sym->errtxt);
		ZBarcode_Delete(sym);
		return NULL;
	}
	return sym;
}

static int barcode_record(json_t *arr, enum bc type, const char *value)
{
	json_t *o = json_pack("{s:s, s:s}", "type", bc_zbar[type], "value", value);

	if (o == NULL || json_array_append_new(arr, o))
		return -1;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Page content                                                         */

static void draw_letterhead(struct lay *l, const struct ident *id)
{
	char s[LINE_BUF];

	lay_font(l, FACE_SANS, 1, 16);
	lay_line(l, ALIGN_LEFT, id->bank);
	lay_font(l, FACE_SANS, 0, 9);
	if (fmt_str(s, sizeof s, "%s, %s  |  Customer service 0800 555 01%02d",
		    id->bank_street, id->bank_city, rng_int(10, 99)) == 0)
		lay_line(l, ALIGN_LEFT, s);
	lay_rule(l, 1.2);
}

static void draw_letter(struct lay *l, const struct ident *id)
{
	char s[LINE_BUF];
	struct sbuf p = { 0 };
	struct deck d;
	int i, paras = rng_int(3, 4);

	deck_init(&d, NELEM(letter_sentences));
	draw_letterhead(l, id);
	lay_gap(l, 14);
	lay_font(l, FACE_SERIF, 0, BODY_PT);
	lay_line(l, ALIGN_LEFT, id->customer);
	lay_line(l, ALIGN_LEFT, id->street);
	if (fmt_str(s, sizeof s, "%s %s", id->postcode, id->city) == 0)
		lay_line(l, ALIGN_LEFT, s);
	lay_gap(l, 14);
	if (fmt_str(s, sizeof s, "Date: %s", id->date_printed) == 0)
		lay_line(l, ALIGN_LEFT, s);
	if (fmt_str(s, sizeof s, "Account number: %s", id->account) == 0)
		lay_line(l, ALIGN_LEFT, s);
	lay_gap(l, 10);
	lay_font(l, FACE_SERIF, 1, BODY_PT);
	if (fmt_str(s, sizeof s, "Subject: %s", PICK(letter_subjects)) == 0)
		lay_line(l, ALIGN_LEFT, s);
	lay_gap(l, 8);
	lay_font(l, FACE_SERIF, 0, BODY_PT);
	if (fmt_str(s, sizeof s, "Dear %s,", id->salutation) == 0)
		lay_line(l, ALIGN_LEFT, s);
	lay_gap(l, 4);
	for (i = 0; i < paras; i++) {
		p.len = 0;
		make_para(&p, letter_sentences, &d, rng_int(2, 4), id, LANG_ENG);
		lay_para(l, sbuf_str(&p));
	}
	lay_line(l, ALIGN_LEFT, "Yours sincerely,");
	lay_gap(l, 28);
	lay_line(l, ALIGN_LEFT, id->officer);
	if (fmt_str(s, sizeof s, "%s, %s", id->role, id->bank) == 0)
		lay_line(l, ALIGN_LEFT, s);
	sbuf_free(&p);
}

static void draw_form(struct lay *l, const struct ident *id)
{
	char s[LINE_BUF], email[128], amount[64];
	struct sbuf p = { 0 };
	struct deck d;
	double vx = l->left + mm_px(l, 48);
	size_t i;

	deck_init(&d, NELEM(declaration_sentences));
	draw_letterhead(l, id);
	lay_gap(l, 8);
	lay_font(l, FACE_SANS, 1, 18);
	lay_line(l, ALIGN_CENTER, "ACCOUNT OPENING FORM");
	lay_font(l, FACE_SANS, 0, 9);
	lay_line(l, ALIGN_CENTER, "Personal customers. Please complete in block capitals.");
	lay_gap(l, 10);

	lay_font(l, FACE_SANS, 1, 12);
	lay_line(l, ALIGN_LEFT, "1. Personal details");
	lay_font(l, FACE_SANS, 0, BODY_PT);
	lay_field(l, "Full name:", id->customer, vx, 1);
	if (fmt_str(s, sizeof s, "%04d-%02d-%02d", rng_int(1945, 2003), rng_int(1, 12),
		    rng_int(1, 28)) == 0)
		lay_field(l, "Date of birth:", s, vx, 1);
	lay_field(l, "Nationality:", PICK(nationalities), vx, 1);
	if (fmt_str(s, sizeof s, "%s, %s %s", id->street, id->postcode, id->city) == 0)
		lay_field(l, "Address:", s, vx, 1);
	if (fmt_str(s, sizeof s, "+44 20 7946 %04d", rng_int(0, 9999)) == 0)
		lay_field(l, "Telephone:", s, vx, 1);
	if (fmt_str(email, sizeof email, "%s@example.com", id->customer) == 0) {
		for (i = 0; email[i] != '\0'; i++)
			email[i] = email[i] == ' ' ? '.' : (char)tolower((unsigned char)email[i]);
		lay_field(l, "Email:", email, vx, 1);
	}
	lay_field(l, "Occupation:", PICK(occupations), vx, 1);
	lay_gap(l, 10);

	lay_font(l, FACE_SANS, 1, 12);
	lay_line(l, ALIGN_LEFT, "2. Account details");
	lay_font(l, FACE_SANS, 0, BODY_PT);
	lay_field(l, "Account number:", id->account, vx, 1);
	lay_field(l, "Account type:", id->product, vx, 1);
	lay_field(l, "Currency:", id->currency, vx, 1);
	amount_random(amount, sizeof amount, id, LANG_ENG);
	lay_field(l, "Initial deposit:", amount, vx, 1);
	if (fmt_str(s, sizeof s, "%s Central", id->city) == 0)
		lay_field(l, "Branch:", s, vx, 1);
	lay_field(l, "Opening date:", id->date_printed, vx, 1);
	lay_gap(l, 10);

	lay_font(l, FACE_SANS, 1, 12);
	lay_line(l, ALIGN_LEFT, "3. Declaration");
	lay_font(l, FACE_SANS, 0, BODY_PT);
	make_para(&p, declaration_sentences, &d, rng_int(3, 4), id, LANG_ENG);
	lay_para(l, sbuf_str(&p));
	lay_gap(l, 6);
	lay_field(l, "Signature:", "", vx, 1);
	lay_field(l, "Date:", id->date_printed, vx, 1);
	lay_gap(l, 8);
	lay_font(l, FACE_SANS, 0, 9);
	if (fmt_str(s, sizeof s, "For bank use only: checked by %c%c, reference AO-%06d",
		    'A' + rng_int(0, 25), 'A' + rng_int(0, 25), rng_int(1, 999999)) == 0)
		lay_line(l, ALIGN_LEFT, s);
	sbuf_free(&p);
}

static void draw_contract(struct lay *l, const struct page *pg, const struct ident *id)
{
	char s[LINE_BUF];
	struct sbuf p = { 0 };
	struct deck d;
	int first, last, k;
	double vx;
	int part = pg->part > 0 ? pg->part : 1, parts = pg->parts > 0 ? pg->parts : 1;

	deck_init(&d, NELEM(contract_sentences));
	/* Four clauses on the first page, five on each later page. */
	first = part == 1 ? 0 : 4 + 5 * (part - 2);
	last = part == 1 ? 4 : first + 5;
	if (part == 1) {
		draw_letterhead(l, id);
		lay_gap(l, 6);
		lay_font(l, FACE_SERIF, 1, 17);
		lay_line(l, ALIGN_CENTER, PICK(contract_titles));
		lay_font(l, FACE_SERIF, 0, BODY_PT);
		if (fmt_str(s, sizeof s, "Agreement number: LA-%s-%05d", id->date, rng_int(1, 99999)) == 0)
			lay_line(l, ALIGN_CENTER, s);
		lay_gap(l, 10);
		p.len = 0;
		expand(&p, "This agreement is made on $D between $B (the Lender) and $N "
		       "(the Borrower), holder of account $A, residing at ", id, LANG_ENG);
		sbuf_add(&p, id->street);
		sbuf_add(&p, ", ");
		sbuf_add(&p, id->city);
		sbuf_add(&p, ".");
		lay_para(l, sbuf_str(&p));
	} else {
		lay_font(l, FACE_SERIF, 0, 9);
		if (fmt_str(s, sizeof s, "Agreement between %s and %s, account %s (continued)",
			    id->bank, id->customer, id->account) == 0)
			lay_line(l, ALIGN_LEFT, s);
		lay_rule(l, 0.6);
		lay_gap(l, 6);
	}
	for (k = first; k < last; k++) {
		lay_font(l, FACE_SERIF, 1, BODY_PT);
		if (fmt_str(s, sizeof s, "%d. %s", k + 1,
			    clause_titles[(size_t)k % NELEM(clause_titles)]) == 0)
			lay_line(l, ALIGN_LEFT, s);
		lay_font(l, FACE_SERIF, 0, BODY_PT);
		p.len = 0;
		make_para(&p, contract_sentences, &d, rng_int(2, 3), id, LANG_ENG);
		lay_para(l, sbuf_str(&p));
	}
	if (part == parts) {
		vx = l->left + mm_px(l, 45);
		lay_gap(l, 8);
		lay_field(l, "Borrower:", id->customer, vx, 0);
		lay_field(l, "Signature:", "", vx, 1);
		lay_gap(l, 6);
		lay_field(l, "For the Lender:", id->officer, vx, 0);
		lay_field(l, "Signature:", "", vx, 1);
		lay_field(l, "Date:", id->date_printed, vx, 0);
	}
	sbuf_free(&p);
}

static void draw_invoice(struct lay *l, const struct ident *id)
{
	char s[LINE_BUF], qty[16], unit[48], amt[48], sub[48], vat[48], tot[48], hdr[64];
	struct sbuf p = { 0 };
	struct deck d, items;
	double w = l->right - l->left, vx = l->left + mm_px(l, 45);
	double xq = l->left + 0.52 * w, xu = l->left + 0.74 * w, xa = l->right;
	long long total = 0;
	int i, rows = rng_int(3, 6);

	deck_init(&d, NELEM(invoice_sentences));
	deck_init(&items, NELEM(invoice_items));
	draw_letterhead(l, id);
	lay_gap(l, 6);
	lay_font(l, FACE_SANS, 1, 20);
	lay_line(l, ALIGN_LEFT, "INVOICE");
	lay_gap(l, 4);
	lay_font(l, FACE_SANS, 0, BODY_PT);
	if (fmt_str(s, sizeof s, "INV-%.4s-%06d", id->date, rng_int(1, 999999)) == 0)
		lay_field(l, "Invoice number:", s, vx, 0);
	lay_field(l, "Invoice date:", id->date_printed, vx, 0);
	lay_field(l, "Customer account:", id->account, vx, 0);
	lay_gap(l, 8);
	lay_font(l, FACE_SANS, 1, BODY_PT);
	lay_line(l, ALIGN_LEFT, "Bill to:");
	lay_font(l, FACE_SANS, 0, BODY_PT);
	lay_line(l, ALIGN_LEFT, id->customer);
	lay_line(l, ALIGN_LEFT, id->street);
	if (fmt_str(s, sizeof s, "%s %s", id->postcode, id->city) == 0)
		lay_line(l, ALIGN_LEFT, s);
	lay_gap(l, 12);

	lay_font(l, FACE_SANS, 1, BODY_PT);
	if (fmt_str(hdr, sizeof hdr, "Amount (%s)", id->currency) == 0) {
		struct cell head[] = {
			{ "Description", l->left, 0 }, { "Qty", xq, 1 },
			{ "Unit price", xu, 1 }, { hdr, xa, 1 }
		};
		lay_cells(l, head, NELEM(head));
	}
	lay_rule(l, 0.8);
	lay_font(l, FACE_SANS, 0, BODY_PT);
	for (i = 0; i < rows; i++) {
		int q = rng_int(1, 3);
		long long price = (long long)rng_int(5, 450) * 100 + 50 * rng_int(0, 1);
		struct cell row[] = {
			{ invoice_items[deck_draw(&items)], l->left, 0 }, { qty, xq, 1 },
			{ unit, xu, 1 }, { amt, xa, 1 }
		};

		total += q * price;
		if (fmt_str(qty, sizeof qty, "%d", q) || fmt_money(unit, sizeof unit, price) ||
		    fmt_money(amt, sizeof amt, q * price))
			continue;
		lay_cells(l, row, NELEM(row));
	}
	lay_rule(l, 0.8);
	if (fmt_money(sub, sizeof sub, total) == 0 && fmt_money(vat, sizeof vat, total / 5) == 0 &&
	    fmt_money(tot, sizeof tot, total + total / 5) == 0) {
		struct cell c1[] = { { "Subtotal", xu, 1 }, { sub, xa, 1 } };
		struct cell c2[] = { { "VAT 20%", xu, 1 }, { vat, xa, 1 } };
		struct cell c3[] = { { "Total due", xu, 1 }, { tot, xa, 1 } };

		lay_cells(l, c1, NELEM(c1));
		lay_cells(l, c2, NELEM(c2));
		lay_font(l, FACE_SANS, 1, BODY_PT);
		lay_cells(l, c3, NELEM(c3));
	}
	lay_gap(l, 16);
	lay_font(l, FACE_SANS, 0, BODY_PT);
	make_para(&p, invoice_sentences, &d, rng_int(3, 4), id, LANG_ENG);
	lay_para(l, sbuf_str(&p));
	sbuf_free(&p);
}

/* All four document kinds in simplified Chinese. */
static void draw_chinese(struct lay *l, const struct page *pg, const struct ident *id)
{
	char s[LINE_BUF];
	struct sbuf p = { 0 };
	struct deck d, dc;
	double vx = l->left + mm_px(l, 32);
	int i;

	deck_init(&d, NELEM(cjk_sentences));
	deck_init(&dc, NELEM(cjk_contract_sentences));
	lay_font(l, FACE_SANS, 1, 16);
	lay_line(l, ALIGN_LEFT, id->bank);
	lay_font(l, FACE_SANS, 0, 9);
	lay_line(l, ALIGN_LEFT, "客户服务热线 400-800-1234");
	lay_rule(l, 1.2);
	lay_gap(l, 6);
	lay_font(l, FACE_SANS, 1, 18);
	lay_line(l, ALIGN_CENTER, cjk_titles[pg->kind]);
	lay_gap(l, 8);
	lay_font(l, FACE_SANS, 0, BODY_PT);
	lay_field(l, "客户姓名：", id->customer, vx, pg->kind == KIND_FORM);
	lay_field(l, "账户号码：", id->account, vx, pg->kind == KIND_FORM);
	lay_field(l, "日期：", id->date_printed, vx, pg->kind == KIND_FORM);
	if (pg->kind == KIND_FORM) {
		lay_field(l, "联系地址：", id->street, vx, 1);
		lay_field(l, "账户类型：", id->product, vx, 1);
		lay_field(l, "币种：", "人民币", vx, 1);
	} else if (pg->kind == KIND_CONTRACT) {
		if (fmt_str(s, sizeof s, "HT-%.4s-%05d", id->date, rng_int(1, 99999)) == 0)
			lay_field(l, "合同编号：", s, vx, 0);
	} else if (pg->kind == KIND_INVOICE) {
		if (fmt_str(s, sizeof s, "FP-%.4s-%06d", id->date, rng_int(1, 999999)) == 0)
			lay_field(l, "发票号码：", s, vx, 0);
	}
	lay_gap(l, 10);

	if (pg->kind == KIND_LETTER) {
		if (fmt_str(s, sizeof s, "尊敬的%s：", id->customer) == 0)
			lay_line(l, ALIGN_LEFT, s);
		for (i = 0; i < 3; i++) {
			p.len = 0;
			make_para(&p, cjk_sentences, &d, rng_int(2, 3), id, LANG_CHI);
			lay_para(l, sbuf_str(&p));
		}
		lay_line(l, ALIGN_LEFT, "此致");
		lay_line(l, ALIGN_LEFT, "敬礼");
		lay_line(l, ALIGN_RIGHT, id->bank);
	} else if (pg->kind == KIND_CONTRACT) {
		for (i = 0; i < (int)NELEM(cjk_clauses); i++) {
			lay_font(l, FACE_SANS, 1, BODY_PT);
			lay_line(l, ALIGN_LEFT, cjk_clauses[i]);
			lay_font(l, FACE_SANS, 0, BODY_PT);
			p.len = 0;
			make_para(&p, cjk_contract_sentences, &dc, rng_int(1, 2), id, LANG_CHI);
			lay_para(l, sbuf_str(&p));
		}
		lay_field(l, "借款人签名：", "", vx + mm_px(l, 8), 1);
		lay_field(l, "贷款人盖章：", "", vx + mm_px(l, 8), 1);
	} else if (pg->kind == KIND_INVOICE) {
		double xq = l->left + 0.52 * (l->right - l->left);
		double xu = l->left + 0.74 * (l->right - l->left);
		char qty[16], unit[48], amt[48];
		long long total = 0;
		struct deck items;
		struct cell head[] = {
			{ "项目", l->left, 0 }, { "数量", xq, 1 }, { "单价", xu, 1 }, { "金额", l->right, 1 }
		};

		deck_init(&items, NELEM(cjk_invoice_items));
		lay_font(l, FACE_SANS, 1, BODY_PT);
		lay_cells(l, head, NELEM(head));
		lay_rule(l, 0.8);
		lay_font(l, FACE_SANS, 0, BODY_PT);
		for (i = 0; i < 4; i++) {
			int q = rng_int(1, 3);
			long long price = (long long)rng_int(5, 300) * 100;
			struct cell row[] = {
				{ cjk_invoice_items[deck_draw(&items)], l->left, 0 }, { qty, xq, 1 },
				{ unit, xu, 1 }, { amt, l->right, 1 }
			};

			total += q * price;
			if (fmt_str(qty, sizeof qty, "%d", q) || fmt_money(unit, sizeof unit, price) ||
			    fmt_money(amt, sizeof amt, q * price))
				continue;
			lay_cells(l, row, NELEM(row));
		}
		lay_rule(l, 0.8);
		if (fmt_money(amt, sizeof amt, total) == 0) {
			struct cell sum[] = { { "合计", xu, 1 }, { amt, l->right, 1 } };

			lay_font(l, FACE_SANS, 1, BODY_PT);
			lay_cells(l, sum, NELEM(sum));
			lay_font(l, FACE_SANS, 0, BODY_PT);
		}
		lay_gap(l, 10);
		p.len = 0;
		for (i = 0; i < (int)NELEM(cjk_invoice_sentences); i++)
			expand(&p, cjk_invoice_sentences[i], id, LANG_CHI);
		lay_para(l, sbuf_str(&p));
	} else {
		lay_font(l, FACE_SANS, 1, 12);
		lay_line(l, ALIGN_LEFT, "申请人声明");
		lay_font(l, FACE_SANS, 0, BODY_PT);
		make_para(&p, cjk_sentences, &d, 4, id, LANG_CHI);
		lay_para(l, sbuf_str(&p));
		lay_field(l, "申请人签名：", "", vx + mm_px(l, 8), 1);
	}
	sbuf_free(&p);
}

/* Big text and a Code 128 barcode "DOS:<ACCOUNT>:<CATEGORY>". */
static int draw_cover(struct lay *l, const struct ident *id, json_t *barcodes)
{
	char s[LINE_BUF], value[96];
	struct zint_symbol *sym;

	if (fmt_str(value, sizeof value, "DOS:%s:%s", id->account, id->category))
		return -1;
	sym = barcode_make(BC_CODE128, value, (int)l->dpi, 0.34, 22);
	if (sym == NULL)
		return -1;
	l->y = mm_px(l, 45);
	lay_font(l, FACE_SANS, 1, 32);
	lay_line(l, ALIGN_CENTER, "DOSSIER COVER SHEET");
	lay_gap(l, 24);
	lay_font(l, FACE_SANS, 1, 20);
	if (fmt_str(s, sizeof s, "Account: %s", id->account) == 0)
		lay_line(l, ALIGN_CENTER, s);
	if (fmt_str(s, sizeof s, "Category: %s", id->category) == 0)
		lay_line(l, ALIGN_CENTER, s);
	lay_font(l, FACE_SANS, 0, 14);
	if (fmt_str(s, sizeof s, "Customer: %s", id->customer) == 0)
		lay_line(l, ALIGN_CENTER, s);
	if (fmt_str(s, sizeof s, "Prepared: %s", id->date) == 0)
		lay_line(l, ALIGN_CENTER, s);
	lay_gap(l, 40);
	lay_symbol(l, sym, ALIGN_CENTER);
	lay_gap(l, 4);
	lay_font(l, FACE_MONO, 0, 12);
	lay_line(l, ALIGN_CENTER, value);
	lay_gap(l, 60);
	lay_font(l, FACE_SANS, 0, BODY_PT);
	lay_para(l, "Place this sheet on top of the documents that belong to the account and "
		 "category shown above. Scan the cover sheet and its documents in one batch. "
		 "Every page up to the next cover sheet or separator sheet is filed under this account.");
	ZBarcode_Delete(sym);
	return barcode_record(barcodes, BC_CODE128, value);
}

/* A Code 39 "PATCHT" barcode that ends the current document in a batch. */
static int draw_separator(struct lay *l, json_t *barcodes)
{
	struct zint_symbol *sym = barcode_make(BC_CODE39, "PATCHT", (int)l->dpi, 0.5, 40);

	if (sym == NULL)
		return -1;
	l->y = mm_px(l, 50);
	lay_font(l, FACE_SANS, 1, 32);
	lay_line(l, ALIGN_CENTER, "SEPARATOR SHEET");
	lay_gap(l, 60);
	lay_symbol(l, sym, ALIGN_CENTER);
	lay_gap(l, 4);
	lay_font(l, FACE_MONO, 0, 14);
	lay_line(l, ALIGN_CENTER, "PATCHT");
	lay_gap(l, 60);
	lay_font(l, FACE_SANS, 0, BODY_PT);
	lay_para(l, "Insert this sheet between two documents of the same batch. It ends the "
		 "current document and is not archived.");
	ZBarcode_Delete(sym);
	return barcode_record(barcodes, BC_CODE39, "PATCHT");
}

/* A certified copy of an identity document, as a bank files it. */
static void draw_idcopy(struct lay *l, const struct ident *id)
{
	char s[LINE_BUF], num[32];
	double vx = l->left + mm_px(l, 50);
	const char *sp = strrchr(id->customer, ' ');
	int issued = atoi(id->date) - rng_int(1, 8);

	draw_letterhead(l, id);
	lay_gap(l, 8);
	lay_font(l, FACE_SANS, 1, 18);
	lay_line(l, ALIGN_CENTER, "CERTIFIED COPY OF IDENTITY DOCUMENT");
	lay_gap(l, 10);
	lay_rule(l, 0.8);
	lay_font(l, FACE_SANS, 0, BODY_PT);
	lay_field(l, "Document:", rng_int(0, 1) ? "Passport" : "National identity card", vx, 0);
	if (fmt_str(num, sizeof num, "%c%c%07d", 'A' + rng_int(0, 25), 'A' + rng_int(0, 25),
		    rng_int(0, 9999999)) == 0)
		lay_field(l, "Document number:", num, vx, 0);
	if (fmt_str(s, sizeof s, "%s", sp != NULL ? sp + 1 : id->customer) == 0)
		lay_field(l, "Surname:", s, vx, 0);
	if (sp != NULL && fmt_str(s, sizeof s, "%.*s", (int)(sp - id->customer),
				  id->customer) == 0)
		lay_field(l, "Given names:", s, vx, 0);
	if (fmt_str(s, sizeof s, "%04d-%02d-%02d", rng_int(1945, 2003), rng_int(1, 12),
		    rng_int(1, 28)) == 0)
		lay_field(l, "Date of birth:", s, vx, 0);
	lay_field(l, "Nationality:", PICK(nationalities), vx, 0);
	if (fmt_str(s, sizeof s, "%04d-%02d-%02d", issued, rng_int(1, 12), rng_int(1, 28)) == 0)
		lay_field(l, "Date of issue:", s, vx, 0);
	if (fmt_str(s, sizeof s, "%04d-%02d-%02d", issued + 10, rng_int(1, 12),
		    rng_int(1, 28)) == 0)
		lay_field(l, "Date of expiry:", s, vx, 0);
	lay_rule(l, 0.8);
	lay_gap(l, 10);
	lay_field(l, "Account number:", id->account, vx, 0);
	lay_gap(l, 6);
	lay_para(l, "I certify that this is a true copy of the original document, which "
		 "the customer showed me in person.");
	lay_gap(l, 10);
	lay_field(l, "Certified by:", id->officer, vx, 0);
	if (fmt_str(s, sizeof s, "%s, %s", id->role, id->bank) == 0)
		lay_field(l, "Position:", s, vx, 0);
	lay_field(l, "Signature:", "", vx, 1);
	lay_field(l, "Date:", id->date_printed, vx, 0);
}

/* Footer text for document pages. */
static void draw_footer(struct lay *l, const struct page *pg, const struct ident *id)
{
	char s[LINE_BUF];
	int rc;

	if (pg->lang == LANG_CHI)
		rc = fmt_str(s, sizeof s, "%s  第1页 共1页", id->bank);
	else if (pg->kind == KIND_CONTRACT)
		rc = fmt_str(s, sizeof s, "%s  |  Page %d of %d", id->account,
			     pg->part > 0 ? pg->part : 1, pg->parts > 0 ? pg->parts : 1);
	else
		rc = fmt_str(s, sizeof s, "%s, registered office %s, %s", id->bank,
			     id->bank_street, id->bank_city);
	if (rc == 0)
		lay_footer(l, s);
}

/* ------------------------------------------------------------------ */
/* Rendering and scanning                                               */

static void page_size(int dpi, int *pw, int *ph)
{
	*pw = (int)lround(A4_W_MM / 25.4 * dpi);
	*ph = (int)lround(A4_H_MM / 25.4 * dpi);
}

/* Converts the ink surface to an 8 bpp Leptonica pix (255 = white paper). */
static PIX *pix_from_ink(cairo_surface_t *surf)
{
	int w = cairo_image_surface_get_width(surf), h = cairo_image_surface_get_height(surf);
	int stride = cairo_image_surface_get_stride(surf), wpl, x, y;
	const unsigned char *data;
	l_uint32 *pd;
	PIX *pix;

	cairo_surface_flush(surf);
	data = cairo_image_surface_get_data(surf);
	pix = pixCreate(w, h, 8);
	if (pix == NULL || data == NULL) {
		pixDestroy(&pix);
		return NULL;
	}
	pd = pixGetData(pix);
	wpl = pixGetWpl(pix);
	for (y = 0; y < h; y++) {
		const unsigned char *src = data + (size_t)y * (size_t)stride;
		l_uint32 *row = pd + (size_t)y * (size_t)wpl;

		for (x = 0; x < w; x++)
			SET_DATA_BYTE(row, x, 255 - src[x]);
	}
	return pix;
}

/*
 * Draws the page described by pg for id. Appends the text drawn to text and
 * the barcodes to barcodes. Returns a new 8 bpp pix, NULL on error (logged).
 */
static PIX *render_page(const struct page *pg, const struct ident *id, struct sbuf *text,
			struct sbuf *flow, json_t *barcodes)
{
	cairo_surface_t *surf = NULL;
	cairo_t *cr = NULL;
	struct zint_symbol *sym = NULL;
	char data[64], expect[64];
	struct lay l;
	PIX *pix = NULL;
	int w, h, doc = IS_DOC(pg->kind);
	double band = 0;

	page_size(pg->dpi, &w, &h);
	surf = cairo_image_surface_create(CAIRO_FORMAT_A8, w, h);
	if (cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS) {
		fprintf(stderr, "%s: %s: cannot create a %dx%d surface\n", PROG, __func__, w, h);
		goto out;
	}
	cr = cairo_create(surf);
	lay_init(&l, cr, text, flow, pg->dpi, w, h, doc && pg->lang == LANG_CHI);

	if (doc && pg->barcode != BC_NONE) {
		if (barcode_payload(pg->barcode, id->account, data, sizeof data, expect, sizeof expect)) {
			fprintf(stderr, "%s: %s: account %s does not fit %s\n", PROG, __func__,
				id->account, bc_names[pg->barcode]);
			goto out;
		}
		sym = barcode_make(pg->barcode, data, pg->dpi,
				   pg->barcode == BC_QR ? 0.5 : 0.34, 13);
		if (sym == NULL)
			goto out;
		/* Keep a band above the bottom margin for the symbol and its text. */
		band = sym->bitmap_height + pt_px(&l, 10) * LINE_H + mm_px(&l, 6);
		l.bottom -= band;
	}

	switch (pg->kind) {
	case KIND_LETTER:
	case KIND_FORM:
	case KIND_CONTRACT:
	case KIND_INVOICE:
		if (pg->lang == LANG_CHI)
			draw_chinese(&l, pg, id);
		else if (pg->kind == KIND_LETTER)
			draw_letter(&l, id);
		else if (pg->kind == KIND_FORM)
			draw_form(&l, id);
		else if (pg->kind == KIND_CONTRACT)
			draw_contract(&l, pg, id);
		else
			draw_invoice(&l, id);
		break;
	case KIND_COVER:
		if (draw_cover(&l, id, barcodes))
			goto out;
		break;
	case KIND_SEPARATOR:
		if (draw_separator(&l, barcodes))
			goto out;
		break;
	case KIND_IDCOPY:
		draw_idcopy(&l, id);
		break;
	default:
		goto out;
	}

	if (sym != NULL) {
		l.bottom += band;
		l.y = l.bottom - band + mm_px(&l, 6);
		l.full = 0;
		lay_symbol(&l, sym, ALIGN_LEFT);
		lay_font(&l, FACE_MONO, 0, 10);
		lay_line(&l, ALIGN_LEFT, expect);
		if (barcode_record(barcodes, pg->barcode, expect))
			goto out;
	}
	if (doc)
		draw_footer(&l, pg, id);

	if (cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
		fprintf(stderr, "%s: %s: cairo: %s\n", PROG, __func__,
			cairo_status_to_string(cairo_status(cr)));
		goto out;
	}
	if (text->err || flow->err) {
		fprintf(stderr, "%s: %s: ground truth text too long\n", PROG, __func__);
		goto out;
	}
	pix = pix_from_ink(surf);
	if (pix == NULL)
		fprintf(stderr, "%s: %s: out of memory\n", PROG, __func__);
out:
	if (sym != NULL)
		ZBarcode_Delete(sym);
	if (cr != NULL)
		cairo_destroy(cr);
	if (surf != NULL)
		cairo_surface_destroy(surf);
	return pix;
}

/* Paper tone, sensor noise and a few hundred dark speckles, from the RNG. */
static void add_noise(PIX *pix)
{
	int w = pixGetWidth(pix), h = pixGetHeight(pix), wpl = pixGetWpl(pix);
	l_uint32 *pd = pixGetData(pix);
	int x, y, i, n;

	for (y = 0; y < h; y++) {
		l_uint32 *row = pd + (size_t)y * (size_t)wpl;

		for (x = 0; x < w; x++) {
			int v = (int)GET_DATA_BYTE(row, x);

			v = 8 + v * 239 / 255 + (int)(rng_next() % 7) - 3;
			SET_DATA_BYTE(row, x, v < 0 ? 0 : v > 255 ? 255 : v);
		}
	}
	n = rng_int(200, 450);
	for (i = 0; i < n; i++) {
		int sx = rng_int(0, w - 1), sy = rng_int(0, h - 1);
		int size = rng_int(1, 3), gray = rng_int(0, 90), dx, dy;

		for (dy = 0; dy < size && sy + dy < h; dy++)
			for (dx = 0; dx < size && sx + dx < w; dx++)
				SET_DATA_BYTE(pd + (size_t)(sy + dy) * (size_t)wpl, sx + dx, gray);
	}
}

/*
 * "Scans" a rendered page: skew (pixRotate, clockwise positive, same size,
 * white corners), quarter turn (clockwise), noise. Returns a new pix.
 */
static PIX *scan_pix(PIX *pixs, const struct page *pg)
{
	PIX *rot, *orth;

	rot = pixRotate(pixs, (l_float32)(pg->skew_deg * PI_D / 180.0), L_ROTATE_AREA_MAP,
			L_BRING_IN_WHITE, 0, 0);
	if (rot == NULL)
		return NULL;
	if (pg->rotation != 0) {
		orth = pixRotateOrth(rot, pg->rotation / 90);
		pixDestroy(&rot);
		if (orth == NULL)
			return NULL;
		rot = orth;
	}
	/* pixRotate() returns a clone for tiny angles: give noise its own copy. */
	if (pg->noise) {
		PIX *own = pixCopy(NULL, rot);

		pixDestroy(&rot);
		if (own == NULL)
			return NULL;
		rot = own;
		add_noise(rot);
	}
	pixSetResolution(rot, pg->dpi, pg->dpi);
	return rot;
}

/*
 * A colour scan of an 8 bpp page: gray level v becomes the colour v/255 of the
 * way from ink to paper. Returns a new 32 bpp pix, NULL on error.
 */
static PIX *colorize(PIX *gray)
{
	int w = pixGetWidth(gray), h = pixGetHeight(gray);
	int wpls = pixGetWpl(gray), wpld, x, y, v;
	const l_uint32 *ps = pixGetData(gray);
	l_uint32 map[256], *pd;
	PIX *pix;

	if (pixGetDepth(gray) != 8 || (pix = pixCreate(w, h, 32)) == NULL)
		return NULL;
	for (v = 0; v < 256; v++)
		composeRGBPixel(INK_R + (PAPER_R - INK_R) * v / 255,
				INK_G + (PAPER_G - INK_G) * v / 255,
				INK_B + (PAPER_B - INK_B) * v / 255, &map[v]);
	pd = pixGetData(pix);
	wpld = pixGetWpl(pix);
	for (y = 0; y < h; y++) {
		const l_uint32 *srow = ps + (size_t)y * (size_t)wpls;
		l_uint32 *drow = pd + (size_t)y * (size_t)wpld;

		for (x = 0; x < w; x++)
			drow[x] = map[GET_DATA_BYTE(srow, x)];
	}
	return pix;
}

/* The 8 bpp page pix at the depth format f writes. A new pix, NULL on error. */
static PIX *pix_for_format(PIX *pix, enum fmt f)
{
	switch (fmt_specs[f].depth) {
	case 1:
		return pixThresholdToBinary(pix, G4_THRESHOLD);
	case 32:
		return colorize(pix);
	default:
		return pixClone(pix);
	}
}

/*
 * Writes the 8 bpp pages of pixa to path in format f at dpi. TIFF and pdf
 * files take any number of pages, png and jpeg one. 0 or -1 (logged).
 */
static int write_file(PIXA *pixa, enum fmt f, const char *path, int dpi)
{
	const struct fmt_spec *fs = &fmt_specs[f];
	int i, n = pixaGetCount(pixa), rc = 1;
	PIX *pix = NULL, *out = NULL;

	if (n < 1 || (n > 1 && !L_FORMAT_IS_TIFF(fs->iff) && fs->iff != IFF_LPDF)) {
		fprintf(stderr, "%s: %s: %s holds exactly one page\n", PROG, path, fmt_names[f]);
		return -1;
	}
	if (fs->iff == IFF_LPDF) {
		/* One JPEG per page; the page size follows from dpi. */
		rc = pixaConvertToPdf(pixa, dpi, 1.0f, L_JPEG_ENCODE, JPEG_QUALITY, NULL, path);
		goto out;
	}
	for (i = 0; i < n; i++) {
		if ((pix = pixaGetPix(pixa, i, L_CLONE)) == NULL ||
		    (out = pix_for_format(pix, f)) == NULL) {
			rc = 1;
			goto out;
		}
		pixSetResolution(out, dpi, dpi);
		if (L_FORMAT_IS_TIFF(fs->iff)) {
			rc = pixWriteTiff(path, out, fs->iff, i > 0 ? "a" : "w");
		} else if (fs->iff == IFF_PNG) {
			/* Noisy gray compresses badly anyway; level 1 is many times faster. */
			pixSetZlibCompression(out, 1);
			rc = pixWrite(path, out, IFF_PNG);
		} else {
			rc = pixWriteJpeg(path, out, JPEG_QUALITY, 0);
		}
		pixDestroy(&pix);
		pixDestroy(&out);
		if (rc != 0)
			goto out;
	}
out:
	pixDestroy(&pix);
	pixDestroy(&out);
	if (rc != 0) {
		fprintf(stderr, "%s: cannot write %s\n", PROG, path);
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* One generated page with its ground truth                             */

struct sample {
	struct ident id;
	struct sbuf text;       /* lines as drawn */
	struct sbuf flow;       /* paragraphs unwrapped, for "words" */
	json_t *barcodes;
	PIX *pix;               /* scanned, 8 bpp */
	enum lang lang;         /* language actually drawn */
};

static void sample_free(struct sample *s)
{
	sbuf_free(&s->text);
	sbuf_free(&s->flow);
	json_decref(s->barcodes);
	s->barcodes = NULL;
	pixDestroy(&s->pix);
}

/* Renders and scans pg into s. 0 or -1 (logged); free s either way. */
static int sample_make(const struct page *pg, struct sample *s)
{
	PIX *clean;

	memset(s, 0, sizeof *s);
	s->lang = pg->kind < DOC_KINDS ? pg->lang : LANG_ENG; /* ID copies too */
	s->barcodes = json_array();
	if (s->barcodes == NULL)
		return -1;
	rng_seed(pg->ident_seed);
	ident_make(&s->id, pg, s->lang);
	rng_seed(pg->seed);
	clean = render_page(pg, &s->id, &s->text, &s->flow, s->barcodes);
	if (clean == NULL)
		return -1;
	s->pix = scan_pix(clean, pg);
	pixDestroy(&clean);
	if (s->pix == NULL) {
		fprintf(stderr, "%s: %s: scan failed\n", PROG, __func__);
		return -1;
	}
	return 0;
}

static int trim_char(int c, const char *set)
{
	return c != '\0' && strchr(set, c) != NULL;
}

/* Appends w to arr unless empty after trimming punctuation, or already there. */
static int add_word(json_t *arr, char *w)
{
	size_t i, n;

	while (trim_char(*w, "([{\"'"))
		w++;
	n = strlen(w);
	while (n > 0 && trim_char(w[n - 1], ".,;:!?)]}\"'"))
		w[--n] = '\0';
	if (n == 0)
		return 0;
	for (i = 0; i < json_array_size(arr); i++)
		if (strcmp(json_string_value(json_array_get(arr, i)), w) == 0)
			return 0;
	return json_array_append_new(arr, json_string(w));
}

/*
 * Distinct words of text in order of first use. Words are split at blanks and
 * CJK punctuation, with leading and trailing ASCII punctuation trimmed. Chinese
 * has no blanks, so its "words" are the phrases between punctuation marks.
 * Pass the flow text, where wrapped paragraph lines are joined again.
 */
static json_t *words_json(const char *text)
{
	json_t *arr = json_array();
	char tok[256];
	size_t tn = 0;
	const char *p = text;

	if (arr == NULL)
		return NULL;
	for (;;) {
		size_t clen = *p ? utf8_len(p) : 0;
		int sep = *p == '\0' || isspace((unsigned char)*p) ||
			  ((unsigned char)*p >= 0x80 && is_cjk_punct(p, clen));

		if (sep) {
			if (tn > 0) {
				tok[tn] = '\0';
				if (add_word(arr, tok)) {
					json_decref(arr);
					return NULL;
				}
				tn = 0;
			}
			if (*p == '\0')
				break;
		} else if (tn + clen < sizeof tok) {
			memcpy(tok + tn, p, clen);
			tn += clen;
		}
		p += clen;
	}
	return arr;
}

static json_t *str_or_null(const char *s)
{
	return s != NULL && *s != '\0' ? json_string(s) : json_null();
}

/* Sets key to v (stolen); -1 if v is NULL or on error. */
static int jset(json_t *o, const char *key, json_t *v)
{
	if (v == NULL)
		return -1;
	return json_object_set_new(o, key, v) ? -1 : 0;
}

/* Ground truth of one page; file is NULL for pages inside a batch. */
static json_t *truth_json(const struct page *pg, const struct sample *s, const char *file)
{
	json_t *o = json_object();
	int rc = 0;

	if (o == NULL)
		return NULL;
	if (file != NULL)
		rc |= jset(o, "file", json_string(file));
	rc |= jset(o, "kind", json_string(kind_names[pg->kind]));
	rc |= jset(o, "format", json_string(fmt_names[pg->fmt]));
	rc |= jset(o, "dpi", json_integer(pg->dpi));
	rc |= jset(o, "width", json_integer(pixGetWidth(s->pix)));
	rc |= jset(o, "height", json_integer(pixGetHeight(s->pix)));
	rc |= jset(o, "skew_deg", json_real(pg->skew_deg));
	rc |= jset(o, "skew_convention", json_string(
		"degrees passed to Leptonica pixRotate(): positive = clockwise as displayed "
		"(y axis down); pixFindSkew() reports about -skew_deg; "
		"pixRotate(-skew_deg) straightens the page"));
	rc |= jset(o, "rotation", json_integer(pg->rotation));
	rc |= jset(o, "account", str_or_null(pg->kind == KIND_SEPARATOR ? NULL : s->id.account));
	rc |= jset(o, "customer", str_or_null(pg->kind == KIND_SEPARATOR ? NULL : s->id.customer));
	rc |= jset(o, "date", str_or_null(pg->kind == KIND_SEPARATOR ? NULL : s->id.date));
	rc |= jset(o, "category", str_or_null(pg->kind == KIND_COVER ? s->id.category : NULL));
	rc |= jset(o, "lang", json_string(lang_names[s->lang]));
	rc |= jset(o, "text", json_string(sbuf_str(&s->text)));
	rc |= jset(o, "words", words_json(sbuf_str(&s->flow)));
	rc |= jset(o, "barcodes", json_incref(s->barcodes));
	if (rc != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static int write_json(json_t *root, const char *path)
{
	if (json_dump_file(root, path, JSON_INDENT(2) | JSON_REAL_PRECISION(10)) != 0) {
		fprintf(stderr, "%s: cannot write %s\n", PROG, path);
		return -1;
	}
	return 0;
}

/* Writes DIR/BASE.EXT and DIR/BASE.json for pg. 0 or -1 (logged). */
static int emit_page(const char *dir, const char *base, const struct page *pg)
{
	char img[PATH_BUF], js[PATH_BUF], file[PATH_BUF];
	struct sample s;
	json_t *root = NULL;
	PIXA *pixa = NULL;
	int rc = -1;

	if (fmt_str(file, sizeof file, "%s.%s", base, fmt_specs[pg->fmt].ext) ||
	    fmt_str(img, sizeof img, "%s/%s", dir, file) ||
	    fmt_str(js, sizeof js, "%s/%s.json", dir, base)) {
		fprintf(stderr, "%s: output path too long\n", PROG);
		return -1;
	}
	if (sample_make(pg, &s))
		goto out;
	if ((pixa = pixaCreate(1)) == NULL || pixaAddPix(pixa, s.pix, L_CLONE) != 0 ||
	    write_file(pixa, pg->fmt, img, pg->dpi))
		goto out;
	root = truth_json(pg, &s, file);
	if (root == NULL) {
		fprintf(stderr, "%s: %s: out of memory\n", PROG, __func__);
		goto out;
	}
	if (write_json(root, js))
		goto out;
	printf("%s\n", img);
	rc = 0;
out:
	pixaDestroy(&pixa);
	json_decref(root);
	sample_free(&s);
	return rc;
}

/* A document inside a multi-page file: account, category, page indices. */
struct batchdoc {
	const char *account;
	const char *category;   /* NULL: none */
	int pages[PAGES_MAX];
	size_t npages;
};

/*
 * Writes the n pages as one multi-page file DIR/NAME.EXT in format f (a TIFF
 * format or pdf) and DIR/NAME.json, which lists the pages and the nd
 * documents a reader should file.
 */
static int emit_batch(const char *dir, const char *name, enum fmt f, const struct page *pages,
		      size_t n, const struct batchdoc *docs, size_t nd)
{
	char img[PATH_BUF], js[PATH_BUF], file[PATH_BUF];
	json_t *root = NULL, *jpages = NULL, *jdocs = NULL;
	struct sample s;
	PIXA *pixa = NULL;
	size_t i, k;
	int rc = -1, err = 0;

	memset(&s, 0, sizeof s);
	if (fmt_str(file, sizeof file, "%s.%s", name, fmt_specs[f].ext) ||
	    fmt_str(img, sizeof img, "%s/%s", dir, file) ||
	    fmt_str(js, sizeof js, "%s/%s.json", dir, name)) {
		fprintf(stderr, "%s: output path too long\n", PROG);
		return -1;
	}
	root = json_object();
	jpages = json_array();
	jdocs = json_array();
	pixa = pixaCreate((l_int32)n);
	if (root == NULL || jpages == NULL || jdocs == NULL || pixa == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		json_t *pj;

		if (sample_make(&pages[i], &s) || pixaAddPix(pixa, s.pix, L_CLONE) != 0)
			goto out;
		pj = truth_json(&pages[i], &s, NULL);
		if (pj == NULL || json_object_set_new(pj, "index", json_integer((json_int_t)i)) ||
		    json_array_append_new(jpages, pj))
			goto out;
		sample_free(&s);
	}
	if (write_file(pixa, f, img, n > 0 ? pages[0].dpi : 0))
		goto out;
	for (i = 0; i < nd; i++) {
		json_t *d = json_pack("{s:s, s:s?, s:[]}", "account", docs[i].account,
				      "category", docs[i].category, "pages");

		if (d == NULL || json_array_append_new(jdocs, d))
			goto out;
		for (k = 0; k < docs[i].npages; k++)
			err |= json_array_append_new(json_object_get(d, "pages"),
						     json_integer(docs[i].pages[k]));
	}
	err |= jset(root, "file", json_string(file));
	err |= jset(root, "format", json_string(fmt_names[f]));
	err |= jset(root, "dpi", json_integer(n > 0 ? pages[0].dpi : 0));
	err |= jset(root, "page_count", json_integer((json_int_t)n));
	err |= jset(root, "page_index_base", json_integer(0));
	err |= jset(root, "pages", jpages);
	jpages = NULL;
	err |= jset(root, "documents", jdocs);
	jdocs = NULL;
	if (err || write_json(root, js))
		goto out;
	printf("%s\n", img);
	rc = 0;
out:
	if (rc != 0)
		fprintf(stderr, "%s: %s: cannot make %s\n", PROG, __func__, img);
	pixaDestroy(&pixa);
	json_decref(jpages);
	json_decref(jdocs);
	json_decref(root);
	sample_free(&s);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Modes                                                                */

struct opts {
	const char *outdir;
	const char *prefix;
	uint64_t seed;
	long count;
	int kind;               /* -1: mixed */
	int fmt;                /* -1: mixed */
	int barcode;            /* -1: mixed */
	int lang;
	int dpi;
	double skew, skew_range;
	int rotation;
	int noise;
	int pages;              /* pages per file */
	int demo, bench;
	const char *account;    /* every page's account, or NULL */
	const char *customer;   /* every page's customer, or NULL */
	int dstyle;             /* how documents print their date */
};

static double monotonic_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Page j of file i from the options, cycling "mixed" choices. Pages of one
 * multi-page file share the customer (ident_seed).
 */
static void page_from_opts(const struct opts *o, long i, int j, struct page *pg)
{
	uint64_t seed = seed_mix(o->seed, (uint64_t)i);
	long k = o->pages > 1 ? j : i;  /* what "mixed" cycles over */

	memset(pg, 0, sizeof *pg);
	pg->kind = o->kind >= 0 ? (enum kind)o->kind : (enum kind)(k % DOC_KINDS);
	/* Offset the format cycle so that mixed kinds meet every format. */
	pg->fmt = o->fmt >= 0 ? (enum fmt)o->fmt : (enum fmt)((i + i / FMT__MAX) % FMT__MAX);
	pg->barcode = o->barcode >= 0 ? (enum bc)o->barcode : (enum bc)(1 + k % (BC__MAX - 1));
	pg->lang = (enum lang)o->lang;
	pg->dpi = o->dpi;
	pg->rotation = o->rotation;
	pg->noise = o->noise;
	pg->ident_seed = seed;
	pg->account = o->account;
	pg->customer = o->customer;
	pg->dstyle = (enum dstyle)o->dstyle;
	/* A single page keeps the seed it had before --pages existed. */
	pg->seed = o->pages > 1 ? seed_mix(seed, (uint64_t)j + 1) : seed;
	if (o->pages > 1) {
		pg->part = j + 1;
		pg->parts = o->pages;
	}
	pg->skew_deg = o->skew;
	if (o->skew_range > 0) {
		rng_seed(pg->seed ^ 0x5eedULL);
		/* Rounded to 0.01 degree so the JSON holds the exact angle. */
		pg->skew_deg = round((rng_unit() * 2 - 1) * o->skew_range * 100) / 100;
	}
}

/* --count files of --pages pages each from the options. */
static int run_pages(const struct opts *o)
{
	char base[256];
	long i;
	int j;
	double t0 = monotonic_s(), dt;

	for (i = 0; i < o->count; i++) {
		struct page pgs[PAGES_MAX];
		struct batchdoc doc;
		struct ident id;

		for (j = 0; j < o->pages; j++)
			page_from_opts(o, i, j, &pgs[j]);
		if (fmt_str(base, sizeof base, "%s-%04ld", o->prefix, i + 1))
			return -1;
		if (o->pages == 1) {
			if (emit_page(o->outdir, base, &pgs[0]))
				return -1;
			continue;
		}
		/* One document: every page carries the same customer's account. */
		rng_seed(pgs[0].ident_seed);
		ident_make(&id, &pgs[0], pgs[0].lang);
		memset(&doc, 0, sizeof doc);
		doc.account = id.account;
		for (j = 0; j < o->pages; j++)
			doc.pages[doc.npages++] = j;
		if (emit_batch(o->outdir, base, pgs[0].fmt, pgs, (size_t)o->pages, &doc, 1))
			return -1;
	}
	dt = monotonic_s() - t0;
	fprintf(stderr, "%s: wrote %ld file(s), %ld page(s) in %.2f s (%.0f ms/page)\n", PROG,
		o->count, o->count * o->pages, dt,
		o->count > 0 ? dt * 1000 / (double)(o->count * o->pages) : 0.0);
	return 0;
}

/* The fixed demo set: ten single pages and one batch. */
static int run_demo(const struct opts *o)
{
	static const struct {
		enum kind kind;
		enum fmt fmt;
		double skew;
		int rotation;
		enum bc barcode;
		enum lang lang;
		const char *category;
	} items[] = {
		{ KIND_LETTER, FMT_PNG, 0.0, 0, BC_CODE128, LANG_ENG, NULL },
		{ KIND_FORM, FMT_G4, 2.5, 0, BC_CODE39, LANG_ENG, NULL },
		{ KIND_CONTRACT, FMT_GRAY, -4.0, 0, BC_QR, LANG_ENG, NULL },
		{ KIND_INVOICE, FMT_JPEG, 6.0, 0, BC_EAN13, LANG_ENG, NULL },
		{ KIND_LETTER, FMT_G4, -6.0, 0, BC_I25, LANG_ENG, NULL },
		{ KIND_COVER, FMT_G4, 1.0, 0, BC_NONE, LANG_ENG, "LOAN" },
		{ KIND_SEPARATOR, FMT_PNG, -0.5, 0, BC_NONE, LANG_ENG, NULL },
		{ KIND_CONTRACT, FMT_PNG, 0.0, 0, BC_QR, LANG_CHI, NULL },
		{ KIND_INVOICE, FMT_G4, 0.0, 90, BC_CODE128, LANG_ENG, NULL },
		{ KIND_FORM, FMT_JPEG, -1.5, 0, BC_I25, LANG_ENG, NULL },
		{ KIND_LETTER, FMT_GRAY, 0.8, 180, BC_EAN13, LANG_ENG, NULL },
	};
	/* Cover, contract (2 pages), separator, cover, account form. */
#define BATCH_PAGE .fmt = FMT_G4, .dpi = 300, .noise = 1
	static const struct page batch[] = {
		{ BATCH_PAGE, .kind = KIND_COVER, .skew_deg = 0.5, .seed = 501, .ident_seed = 500,
		  .account = "ACC-2024-000101", .category = "CONTRACT" },
		{ BATCH_PAGE, .kind = KIND_CONTRACT, .skew_deg = -1.0, .seed = 502, .ident_seed = 500,
		  .part = 1, .parts = 2, .account = "ACC-2024-000101" },
		{ BATCH_PAGE, .kind = KIND_CONTRACT, .skew_deg = 1.5, .seed = 503, .ident_seed = 500,
		  .part = 2, .parts = 2, .account = "ACC-2024-000101" },
		{ BATCH_PAGE, .kind = KIND_SEPARATOR, .skew_deg = 0.3, .seed = 504, .ident_seed = 504 },
		{ BATCH_PAGE, .kind = KIND_COVER, .skew_deg = -0.7, .seed = 511, .ident_seed = 510,
		  .account = "ACC-2024-000102", .category = "BASIC" },
		{ BATCH_PAGE, .kind = KIND_FORM, .skew_deg = 1.2, .seed = 512, .ident_seed = 510,
		  .account = "ACC-2024-000102" },
	};
#undef BATCH_PAGE
	static const struct batchdoc docs[] = {
		{ "ACC-2024-000101", "CONTRACT", { 1, 2 }, 2 },
		{ "ACC-2024-000102", "BASIC", { 5 }, 1 },
	};
	char base[256];
	size_t i;

	for (i = 0; i < NELEM(items); i++) {
		struct page pg;

		memset(&pg, 0, sizeof pg);
		pg.kind = items[i].kind;
		pg.fmt = items[i].fmt;
		pg.skew_deg = items[i].skew;
		pg.rotation = items[i].rotation;
		pg.barcode = items[i].barcode;
		pg.lang = items[i].lang;
		pg.category = items[i].category;
		pg.dpi = 300;
		pg.noise = 1;
		pg.seed = pg.ident_seed = 20240100 + i;
		if (fmt_str(base, sizeof base, "%s-%04zu", o->prefix, i + 1) ||
		    emit_page(o->outdir, base, &pg))
			return -1;
	}
	return emit_batch(o->outdir, "batch-001", FMT_G4, batch, NELEM(batch), docs, NELEM(docs));
}

/* ------------------------------------------------------------------ */
/* Command line                                                         */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: %s -o DIR [--seed N] [--count N] [--kind KIND|mixed]\n"
		"         [--format FMT|mixed] [--dpi N] [--skew DEG | --skew-range DEG]\n"
		"         [--rotate 0|90|180|270] [--barcode TYPE|mixed|none]\n"
		"         [--lang eng|chi_sim] [--noise 0|1] [--pages N] [--prefix NAME]\n"
		"         [--account ACC] [--customer NAME] [--date-style STYLE]\n"
		"       %s --demo -o DIR [--prefix NAME]\n"
		"       %s --bench -o DIR [--count N] [--seed N] [--prefix NAME]\n"
		"  KIND  letter account-form contract invoice coversheet separator id-copy\n"
		"        (mixed cycles the first four)\n"
		"  STYLE how a document prints its date: iso (2023-11-14), dmy (14/11/2023),\n"
		"        us (11/14/2023), long (14 November 2023, 2023年11月14日),\n"
		"        mixed (iso, dmy or long by the date)\n"
		"  FMT   tiff-g4 tiff-gray tiff-1bit-lzw tiff-jpeg tiff-rgb tiff-jpeg-rgb\n"
		"        png jpeg pdf\n"
		"  TYPE  code128 code39 qr i25 ean13 upca\n"
		"  N     pages of one document per file, 1 to %d (TIFF formats and pdf)\n",
		PROG, PROG, PROG, PAGES_MAX);
}

static _Noreturn void PRINTF_LIKE(1, 2) die_usage(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", PROG);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help'.\n", PROG);
	exit(2);
}

static long parse_long(const char *opt, const char *s, long lo, long hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
		die_usage("%s: expected an integer from %ld to %ld, got '%s'", opt, lo, hi, s);
	return v;
}

static double parse_double(const char *opt, const char *s, double lo, double hi)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !(v >= lo && v <= hi))
		die_usage("%s: expected a number from %g to %g, got '%s'", opt, lo, hi, s);
	return v;
}

/* Index of s in names, -1 for "mixed" when allowed; dies otherwise. */
static int parse_name(const char *opt, const char *s, const char *const *names, int n,
		      int mixed_ok)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	if (mixed_ok && strcmp(s, "mixed") == 0)
		return -1;
	die_usage("%s: unknown value '%s'", opt, s);
	return 0;
}

/* mkdir -p. 0 or -1 (logged). */
static int make_dirs(const char *path)
{
	char buf[PATH_BUF];
	struct stat st;
	size_t i;

	if (fmt_str(buf, sizeof buf, "%s", path)) {
		fprintf(stderr, "%s: output directory name too long\n", PROG);
		return -1;
	}
	for (i = 1; buf[i] != '\0'; i++) {
		if (buf[i] != '/')
			continue;
		buf[i] = '\0';
		if (mkdir(buf, 0777) != 0 && errno != EEXIST) {
			fprintf(stderr, "%s: mkdir %s: %s\n", PROG, buf, strerror(errno));
			return -1;
		}
		buf[i] = '/';
	}
	if (mkdir(buf, 0777) != 0 && errno != EEXIST) {
		fprintf(stderr, "%s: mkdir %s: %s\n", PROG, buf, strerror(errno));
		return -1;
	}
	if (stat(buf, &st) != 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "%s: %s is not a directory\n", PROG, buf);
		return -1;
	}
	return 0;
}

enum {
	OPT_SEED = 256, OPT_COUNT, OPT_KIND, OPT_FORMAT, OPT_DPI, OPT_SKEW, OPT_SKEW_RANGE,
	OPT_ROTATE, OPT_BARCODE, OPT_LANG, OPT_NOISE, OPT_PREFIX, OPT_DEMO, OPT_BENCH,
	OPT_PAGES, OPT_ACCOUNT, OPT_CUSTOMER, OPT_DATE_STYLE
};

/* Options a mode accepts besides -o; demo and bench accept few. */
#define GIVEN(opt) (1u << ((opt) - OPT_SEED))

static void parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "count", required_argument, NULL, OPT_COUNT },
		{ "kind", required_argument, NULL, OPT_KIND },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "dpi", required_argument, NULL, OPT_DPI },
		{ "skew", required_argument, NULL, OPT_SKEW },
		{ "skew-range", required_argument, NULL, OPT_SKEW_RANGE },
		{ "rotate", required_argument, NULL, OPT_ROTATE },
		{ "barcode", required_argument, NULL, OPT_BARCODE },
		{ "lang", required_argument, NULL, OPT_LANG },
		{ "noise", required_argument, NULL, OPT_NOISE },
		{ "prefix", required_argument, NULL, OPT_PREFIX },
		{ "demo", no_argument, NULL, OPT_DEMO },
		{ "bench", no_argument, NULL, OPT_BENCH },
		{ "pages", required_argument, NULL, OPT_PAGES },
		{ "account", required_argument, NULL, OPT_ACCOUNT },
		{ "customer", required_argument, NULL, OPT_CUSTOMER },
		{ "date-style", required_argument, NULL, OPT_DATE_STYLE },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	unsigned given = 0;
	char *end;
	int c;

	memset(o, 0, sizeof *o);
	o->seed = 1;
	o->count = 1;
	o->kind = KIND_LETTER;
	o->fmt = FMT_PNG;
	o->barcode = BC_NONE;
	o->lang = LANG_ENG;
	o->dpi = 300;
	o->noise = 1;
	o->pages = 1;
	while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
		if (c >= OPT_SEED)
			given |= GIVEN(c);
		switch (c) {
		case 'o': o->outdir = optarg; break;
		case 'h': usage(stdout); exit(0);
		case OPT_SEED:
			errno = 0;
			o->seed = strtoull(optarg, &end, 10);
			if (errno != 0 || end == optarg || *end != '\0' || optarg[0] == '-')
				die_usage("--seed: expected a non-negative integer, got '%s'", optarg);
			break;
		case OPT_COUNT: o->count = parse_long("--count", optarg, 1, COUNT_MAX); break;
		case OPT_KIND: o->kind = parse_name("--kind", optarg, kind_names, KIND__MAX, 1); break;
		case OPT_FORMAT: o->fmt = parse_name("--format", optarg, fmt_names, FMT__MAX, 1); break;
		case OPT_DPI: o->dpi = (int)parse_long("--dpi", optarg, DPI_MIN, DPI_MAX); break;
		case OPT_SKEW: o->skew = parse_double("--skew", optarg, -SKEW_MAX, SKEW_MAX); break;
		case OPT_SKEW_RANGE:
			o->skew_range = parse_double("--skew-range", optarg, 0, SKEW_MAX);
			break;
		case OPT_ROTATE:
			o->rotation = (int)parse_long("--rotate", optarg, 0, 270);
			if (o->rotation % 90 != 0)
				die_usage("--rotate: expected 0, 90, 180 or 270, got '%s'", optarg);
			break;
		case OPT_BARCODE:
			o->barcode = parse_name("--barcode", optarg, bc_names, BC__MAX, 1);
			break;
		case OPT_LANG: o->lang = parse_name("--lang", optarg, lang_names, LANG__MAX, 0); break;
		case OPT_NOISE: o->noise = (int)parse_long("--noise", optarg, 0, 1); break;
		case OPT_PREFIX: o->prefix = optarg; break;
		case OPT_PAGES: o->pages = (int)parse_long("--pages", optarg, 1, PAGES_MAX); break;
		case OPT_ACCOUNT:
			if (strlen(optarg) < 9 || strlen(optarg) > 23 ||
			    strncmp(optarg, "ACC-", 4) != 0)
				die_usage("--account: expected ACC-YYYY-NNNNNN, got '%s'", optarg);
			o->account = optarg;
			break;
		case OPT_CUSTOMER:
			if (*optarg == '\0' || strlen(optarg) > 60)
				die_usage("--customer: expected a name of 1 to 60 bytes");
			o->customer = optarg;
			break;
		case OPT_DATE_STYLE:
			o->dstyle = parse_name("--date-style", optarg, dstyle_names, DS__MAX, 0);
			break;
		case OPT_DEMO: o->demo = 1; break;
		case OPT_BENCH: o->bench = 1; break;
		default: fprintf(stderr, "Try '%s --help'.\n", PROG); exit(2);
		}
	}
	if (optind < argc)
		die_usage("unexpected argument '%s'", argv[optind]);
	if (o->outdir == NULL || *o->outdir == '\0')
		die_usage("-o DIR is required");
	if ((given & GIVEN(OPT_SKEW)) && (given & GIVEN(OPT_SKEW_RANGE)))
		die_usage("--skew and --skew-range exclude each other");
	if (o->demo && o->bench)
		die_usage("--demo and --bench exclude each other");
	if (o->demo && (given & ~(GIVEN(OPT_DEMO) | GIVEN(OPT_PREFIX))))
		die_usage("--demo takes only -o and --prefix");
	if (o->bench && (given & ~(GIVEN(OPT_BENCH) | GIVEN(OPT_COUNT) | GIVEN(OPT_SEED) |
				   GIVEN(OPT_PREFIX))))
		die_usage("--bench takes only -o, --count, --seed and --prefix");
	if (o->pages > 1 && (o->fmt < 0 || !(L_FORMAT_IS_TIFF(fmt_specs[o->fmt].iff) ||
					     fmt_specs[o->fmt].iff == IFF_LPDF)))
		die_usage("--pages: a multi-page file needs a TIFF --format or pdf");
	if (o->pages > 1 && !IS_DOC(o->kind))
		die_usage("--pages: a multi-page file holds document pages, not %s",
			  kind_names[o->kind]);
	if (o->prefix == NULL)
		o->prefix = o->demo ? "demo" : o->bench ? "bench" : "page";
	if (*o->prefix == '\0' || strlen(o->prefix) > 64 || strchr(o->prefix, '/') != NULL)
		die_usage("--prefix: expected 1 to 64 characters without '/'");
	if (o->bench) {
		if (!(given & GIVEN(OPT_COUNT)))
			o->count = 20;
		o->kind = -1;
		o->fmt = FMT_G4;
		o->barcode = BC_NONE;
		o->dpi = 300;
		o->skew_range = 3.0;
	}
}

int main(int argc, char **argv)
{
	struct opts o;
	int rc;

	parse_args(argc, argv, &o);
	/* No creation date or producer version: the same PDF bytes every run. */
	l_pdfSetDateAndVersion(0);
	if (make_dirs(o.outdir))
		return 1;
	rc = o.demo ? run_demo(&o) : run_pages(&o);
	/* Drop cairo's font caches so leak checkers see a clean exit. */
	cairo_debug_reset_static_data();
	if (fflush(stdout) != 0)
		rc = -1;
	return rc == 0 ? 0 : 1;
}
