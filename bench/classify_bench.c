/*
 * classify_bench.c: how well the learned classifier (archive/classify.c)
 * suggests a document's type, category and customer, cross-validated on
 * a generated set of customer documents: eight document types in the
 * seven categories (BASIC: account opening forms and ID copies;
 * CONTRACT: loan contracts; CREDIT: loan applications; COMPLAINT:
 * complaint letters; MARKET: market reports; PROMOTION: commission
 * records; DAILY: visit reports), for 40 customers of four banks, a
 * quarter in Chinese, each document made of a varying choice of its
 * type's sentences, sentences every bank letter shares, the customer's
 * name, address and account, and OCR-like damage (confused letters,
 * words run together or split; blanks between Chinese characters).
 *
 * Usage: classify_bench [--docs N] [--folds K] [--seed S]
 *                       [--check-type PCT] [--dump]
 * Prints accuracy per kind and fold, and how often suggestions at or
 * above each confidence were right (and how many documents that files
 * without a person).  --check-type exits 1 when type accuracy is below
 * PCT (the test); --dump prints the documents as JSON lines instead.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dossier/archive.h"

/* ---- a small deterministic generator ---- */

static unsigned long long rng_state = 88172645463325252ull;

static unsigned
rnd(unsigned n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return n > 0 ? (unsigned)(rng_state % n) : 0;
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

struct type {
	const char *name, *category;
	const char *titles[4];
	const char *sentences[12];
	const char *zh_titles[2];
	const char *zh[8];
};

static const struct type types[] = {
	{"application_form", "BASIC",
	 {"Account Opening Form", "Application to open an account",
	  "New Account Application", "Personal Account Opening"},
	 {"Please complete all fields in block capitals.",
	  "Type of account requested: current account with debit card.",
	  "Occupation and employer of the applicant.",
	  "Source of funds for the initial deposit.",
	  "I confirm that the information given is true and complete.",
	  "Signature of applicant and date of application.",
	  "Tax residence and tax identification number.",
	  "Preferred branch and correspondence language.",
	  "Initial deposit amount and currency.",
	  "Mobile phone number and e-mail address for notifications.",
	  "Nationality, date of birth and place of birth.",
	  "For bank use only: account officer and checked by."},
	 {"开户申请表", "个人账户开户申请"},
	 {"请用正楷填写所有栏目。", "申请账户类型：活期账户及借记卡。",
	  "申请人职业及工作单位。", "初始存款资金来源。",
	  "本人确认所填信息真实完整。", "申请人签名及申请日期。",
	  "税务居民身份及纳税识别号。", "手机号码及电子邮箱。"}},
	{"id_copy", "BASIC",
	 {"Copy of Identity Document", "Certified copy of passport",
	  "Identity card copy", "ID verification copy"},
	 {"Identity card number and date of issue.",
	  "Passport number, issuing authority and expiry date.",
	  "This copy was certified as a true copy of the original.",
	  "Photograph of the holder and signature of the holder.",
	  "Surname, given names, sex and date of birth.",
	  "Machine readable zone checked by the clerk.",
	  "Valid until the expiry date shown on the document.",
	  "Copy verified against the original document presented.",
	  "Nationality of the holder and place of issue.",
	  "Front and back side of the identity card.",
	  "Certified by the branch officer with stamp.",
	  "Document type: national identity card."},
	 {"身份证复印件", "护照复印件"},
	 {"身份证号码及签发日期。", "护照号码、签发机关及有效期。",
	  "此复印件与原件核对无误。", "持证人照片及签名。",
	  "姓名、性别及出生日期。", "有效期限至证件所示日期。",
	  "身份证正反面复印件。", "经办柜员核对并盖章。"}},
	{"loan_contract", "CONTRACT",
	 {"Loan Agreement", "Credit Facility Agreement",
	  "Personal Loan Contract", "Contract for a term loan"},
	 {"This agreement is made between the lender and the borrower.",
	  "The lender agrees to lend the principal amount on the terms below.",
	  "The borrower shall repay the loan in monthly instalments.",
	  "Interest accrues at the agreed annual rate on the outstanding "
	  "principal.",
	  "Events of default and the remedies of the lender.",
	  "This agreement is governed by the laws of the jurisdiction.",
	  "Early repayment is permitted with thirty days written notice.",
	  "Security and guarantees given for the obligations of the "
	  "borrower.",
	  "Signed by both parties on the date written above.",
	  "Clause 4: conditions precedent to drawdown.",
	  "Any amendment to this contract must be in writing.",
	  "The parties have executed this agreement in two originals."},
	 {"借款合同", "贷款协议"},
	 {"本合同由贷款人与借款人签订。", "贷款人同意按下列条款发放贷款本金。",
	  "借款人应按月分期偿还贷款。", "利息按约定年利率计算。",
	  "违约事件及贷款人的救济措施。", "本合同适用法律。",
	  "提前还款须提前三十日书面通知。", "双方签字盖章后生效。"}},
	{"loan_application", "CREDIT",
	 {"Loan Application", "Application for Credit",
	  "Mortgage Loan Application", "Request for a personal loan"},
	 {"Amount of loan requested and purpose of the loan.",
	  "Monthly income, employer and length of employment.",
	  "Existing debts and monthly repayments of the applicant.",
	  "Requested repayment term in months.",
	  "Collateral offered and its estimated value.",
	  "I authorise the bank to obtain a credit report.",
	  "Details of the guarantor, if any.",
	  "Household expenses and number of dependants.",
	  "The applicant declares that the income stated is correct.",
	  "Credit officer assessment and recommendation.",
	  "Bank statements for the last six months are attached.",
	  "Preferred interest rate type: fixed or variable."},
	 {"贷款申请书", "个人信贷申请"},
	 {"申请贷款金额及用途。", "月收入、工作单位及工作年限。",
	  "申请人现有负债及月还款额。", "申请还款期限（月）。",
	  "抵押物及其估值。", "本人授权银行查询个人征信报告。",
	  "担保人资料（如有）。", "信贷员评估意见。"}},
	{"complaint", "COMPLAINT",
	 {"Customer Complaint", "Formal complaint", "Letter of complaint",
	  "Complaint about service"},
	 {"I am writing to complain about the service I received.",
	  "The fee charged to my account was not explained to me.",
	  "I request a refund of the amount and an apology.",
	  "My previous complaint has not been answered.",
	  "The staff at the branch were unhelpful and rude.",
	  "I expect a written response within fourteen days.",
	  "Otherwise I will refer this matter to the ombudsman.",
	  "Reference number of the complaint and date received.",
	  "We are sorry for the inconvenience and have investigated.",
	  "Resolution offered to the customer and compensation.",
	  "The complaint was escalated to the complaints manager.",
	  "I am very disappointed with the way this was handled."},
	 {"客户投诉", "投诉信"},
	 {"本人对所受服务提出投诉。", "账户扣费未向本人说明。",
	  "要求退还费用并道歉。", "此前投诉至今未获答复。",
	  "网点工作人员态度恶劣。", "请于十四日内书面答复。",
	  "否则将向监管部门反映。", "投诉编号及受理日期。"}},
	{"market_report", "MARKET",
	 {"Market Report", "Competitor Analysis",
	  "Local Market Information", "Quarterly market survey"},
	 {"Competitor rates for deposits and loans in the area.",
	  "Market share of the main banks in the region.",
	  "New branch openings by competitors this quarter.",
	  "Trends in demand for mortgages and small business loans.",
	  "Pricing of competing products and promotions observed.",
	  "Survey of local businesses and their banking needs.",
	  "Summary of findings and recommendations for the branch.",
	  "Economic outlook for the region and key industries.",
	  "Customer segments where competitors are gaining.",
	  "Interest rates offered by rival institutions.",
	  "Source: public rate boards and customer interviews.",
	  "Prepared by the business development team."},
	 {"市场调研报告", "竞争对手分析"},
	 {"本地区同业存贷款利率。", "区域内主要银行市场份额。",
	  "本季度同业新开网点情况。", "住房贷款及小微贷款需求趋势。",
	  "同业产品定价及促销活动。", "本地企业金融需求调查。",
	  "调研结论及对网点的建议。", "区域经济展望及重点行业。"}},
	{"commission_record", "PROMOTION",
	 {"Commission Statement", "Sales Commission Record",
	  "Promotion Campaign Record", "Agent commission summary"},
	 {"Commission earned on products sold this period.",
	  "Campaign name, start date and end date.",
	  "Number of new accounts opened through the promotion.",
	  "Commission rate applied and total payable to the agent.",
	  "Referral bonus for introducing new customers.",
	  "Sales target for the campaign and achievement.",
	  "Marketing materials distributed at the branch.",
	  "Approved by the sales manager for payment.",
	  "Incentive scheme rules and eligibility.",
	  "Promotional gift given to the customer.",
	  "Commission adjustments and clawbacks.",
	  "Payment will be made with the next salary."},
	 {"佣金结算单", "营销活动记录"},
	 {"本期产品销售佣金。", "活动名称及起止日期。",
	  "通过活动新开账户数量。", "佣金比例及应付总额。",
	  "推荐新客户奖励。", "活动销售目标及完成情况。",
	  "网点营销物料发放。", "经销售经理审批后支付。"}},
	{"visit_report", "DAILY",
	 {"Customer Visit Report", "Call Report", "Record of visit",
	  "Relationship manager visit notes"},
	 {"Visited the customer at their premises today.",
	  "Discussed the business plans of the customer for next year.",
	  "The customer mentioned interest in a new credit line.",
	  "Follow-up actions agreed with the customer.",
	  "Next visit scheduled in three months.",
	  "Attendees from the bank and from the customer.",
	  "Observations on the premises and operations.",
	  "The customer seemed satisfied with our service.",
	  "Notes taken by the relationship manager.",
	  "Purpose of the visit: annual review.",
	  "Telephone call with the customer to confirm the meeting.",
	  "Summary of the conversation and open questions."},
	 {"客户拜访报告", "走访记录"},
	 {"今日上门拜访客户。", "与客户讨论明年经营计划。",
	  "客户表示有新增授信意向。", "与客户商定后续事项。",
	  "计划三个月后再次拜访。", "双方参会人员。",
	  "对经营场所及运营情况的观察。", "客户经理记录。"}},
};

static const char *const banks[] = {"Westmere Credit Union",
				    "Crescent Trust Bank",
				    "Harbour Savings Bank",
				    "Northgate Commercial Bank"};
static const char *const zh_banks[] = {"西湖商业银行", "新月信托银行",
				       "海港储蓄银行", "北门商业银行"};
static const char *const shared[] = {
	"Please keep this document for your records.",
	"If you have any questions please contact your branch.",
	"Thank you for banking with us.",
	"This document contains confidential information.",
	"Page 1 of 2.",
	"Customer service is available Monday to Friday.",
	"Our registered office address is shown below.",
	"Reference: see the account number above.",
};
static const char *const zh_shared[] = {"请妥善保管本文件。",
					"如有疑问请联系开户网点。",
					"感谢您选择本行。", "本文件含保密信息。"};
static const char *const first[] = {
	"Laura", "Martin", "Wei", "Amara", "Ingrid", "Carlos", "Fatima",
	"James", "Olga", "Kenji", "Priya", "Tomas", "Sofia", "Ahmed",
	"Hannah", "Luca", "Mei", "Daniel", "Chloe", "Viktor"};
static const char *const last[] = {
	"Whitfield", "Mendes", "Chen", "Okafor", "Schneider", "Rossi",
	"Haddad", "Murphy", "Ivanova", "Tanaka", "Sharma", "Novak",
	"Garcia", "Khan", "Becker", "Moretti", "Lin", "Evans", "Dubois",
	"Petrov"};
static const char *const zh_names[] = {
	"李伟", "王芳", "张敏", "刘洋", "陈静", "杨军", "赵磊", "黄丽",
	"周杰", "吴婷"};
static const char *const streets[] = {"Station Street", "Bridge Street",
				      "Victoria Road", "Elm Grove",
				      "Harbour Lane", "Mill Road",
				      "Church Street", "Park Avenue"};
static const char *const towns[] = {"Southampton", "Cork", "Cardiff",
				    "Edinburgh", "Leeds", "Bristol"};

#define NCUST 40
struct customer {
	char number[16], name[64], address[96], account[24];
	int zh, bank;
};
static struct customer custs[NCUST];

static void
make_customers(void)
{
	int i;

	for (i = 0; i < NCUST; i++) {
		struct customer *c = &custs[i];

		snprintf(c->number, sizeof(c->number), "C-%04d", 101 + i);
		c->zh = i % 4 == 3;
		c->bank = (int)rnd(N(banks));
		if (c->zh)
			snprintf(c->name, sizeof(c->name), "%s%s",
				 zh_names[rnd(N(zh_names))],
				 i % 2 ? "" : "先生");
		else
			snprintf(c->name, sizeof(c->name), "%s %s",
				 first[rnd(N(first))], last[rnd(N(last))]);
		snprintf(c->address, sizeof(c->address), "%u %s, %s",
			 1 + rnd(240), streets[rnd(N(streets))],
			 towns[rnd(N(towns))]);
		snprintf(c->account, sizeof(c->account), "ACC-20%02u-%06u",
			 10 + rnd(15), rnd(1000000));
	}
}

/* OCR-like damage to Latin text. */
static void
damage(struct dbuf *b, const char *s, int rate)
{
	static const char *const swaps[][2] = {
		{"l", "1"}, {"O", "0"}, {"e", "c"}, {"m", "rn"}, {"i", "l"},
		{"S", "5"}, {"a", "o"}, {"h", "b"}};
	size_t k;

	for (; *s != '\0'; s++) {
		if ((unsigned char)*s >= 0x80) {
			dbuf_add(b, s, 1);
			continue;
		}
		if (rnd(1000) < (unsigned)rate) {
			switch (rnd(3)) {
			case 0:
				for (k = 0; k < N(swaps); k++)
					if (*s == swaps[k][0][0]) {
						dbuf_adds(b, swaps[k][1]);
						break;
					}
				if (k < N(swaps))
					continue;
				break;
			case 1:
				if (*s == ' ')
					continue; /* words run together */
				break;
			default:
				if (*s != ' ') {
					dbuf_add(b, s, 1);
					dbuf_adds(b, " "); /* a word split */
					continue;
				}
			}
		}
		dbuf_add(b, s, 1);
	}
}

/* Chinese as OCR often gives it: blanks between some characters. */
static void
zh_add(struct dbuf *b, const char *s, int spaced)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	while (*p != '\0') {
		n = *p >= 0xf0 ? 4 : *p >= 0xe0 ? 3 : *p >= 0xc0 ? 2 : 1;
		if (rnd(100) >= 2) /* a character now and then not read */
			dbuf_add(b, p, n);
		if (spaced && *p >= 0xe0)
			dbuf_adds(b, " ");
		p += n;
	}
}

struct doc {
	char *text;
	int type, cust;
};

static void
make_doc(struct doc *d, int type, int cust)
{
	const struct type *t = &types[type];
	const struct customer *c = &custs[cust];
	struct dbuf b, raw;
	int pick[12], i, j, n, tmp, spaced = (int)rnd(2);

	dbuf_init(&b, 1u << 20);
	dbuf_init(&raw, 1u << 20);
	d->type = type;
	d->cust = cust;
	for (i = 0; i < 12; i++)
		pick[i] = i;
	for (i = 11; i > 0; i--) {
		j = (int)rnd((unsigned)i + 1);
		tmp = pick[i];
		pick[i] = pick[j];
		pick[j] = tmp;
	}
	if (c->zh) {
		zh_add(&b, zh_banks[c->bank], spaced);
		dbuf_adds(&b, "\n");
		zh_add(&b, t->zh_titles[rnd(2)], spaced);
		dbuf_addf(&b, "\n客户姓名：%s\n账户号码：%s\n日期：20%02u年%u月%u日\n",
			  c->name, c->account, 15 + rnd(10), 1 + rnd(12),
			  1 + rnd(28));
		n = 2 + (int)rnd(4);
		for (i = 0; i < n; i++) {
			zh_add(&b, t->zh[pick[i] % 8], spaced);
			dbuf_adds(&b, "\n");
		}
		for (i = rnd(10) < 3 ? 1 : 0; i > 0; i--) {
			zh_add(&b, types[rnd(N(types))].zh[rnd(8)], spaced);
			dbuf_adds(&b, "\n");
		}
		for (i = (int)rnd(3); i > 0; i--) {
			zh_add(&b, zh_shared[rnd(N(zh_shared))], spaced);
			dbuf_adds(&b, "\n");
		}
	} else {
		dbuf_addf(&raw, "%s\n%u %s, %s | Customer service 0800 555 %04u\n"
			  "%s\n%s\n%s\nDate: 20%02u-%02u-%02u\n",
			  banks[c->bank], 1 + rnd(99), streets[rnd(N(streets))],
			  towns[rnd(N(towns))], rnd(10000),
			  t->titles[rnd(4)], c->name, c->address, 15 + rnd(10),
			  1 + rnd(12), 1 + rnd(28));
		if (rnd(4) != 0)
			dbuf_addf(&raw, "Account number: %s\n", c->account);
		n = 2 + (int)rnd(5);
		for (i = 0; i < n; i++)
			dbuf_addf(&raw, "%s\n", t->sentences[pick[i]]);
		/* Letters quote other papers: a sentence or two of another
		 * type now and then. */
		for (i = rnd(10) < 3 ? 1 + (int)rnd(2) : 0; i > 0; i--)
			dbuf_addf(&raw, "%s\n",
				  types[rnd(N(types))].sentences[rnd(12)]);
		for (i = 1 + (int)rnd(3); i > 0; i--)
			dbuf_addf(&raw, "%s\n", shared[rnd(N(shared))]);
		dbuf_addf(&raw, "Amount: GBP %u,%03u.%02u\n%s, registered office "
			  "%s\n",
			  rnd(90), rnd(1000), rnd(100), banks[c->bank],
			  towns[rnd(N(towns))]);
		damage(&b, raw.data, 20 + (int)rnd(50));
	}
	dbuf_free(&raw);
	d->text = dbuf_take(&b, NULL);
}

/* ---- cross-validation ---- */

struct tally {
	long right[ARC_CLF__MAX], asked[ARC_CLF__MAX], none[ARC_CLF__MAX];
	/* by confidence band: >= 50, 70, 80, 90, 95, 99 */
	long band_n[ARC_CLF__MAX][6], band_right[ARC_CLF__MAX][6];
};
static const double bands[6] = {50, 70, 80, 90, 95, 99};

static const char *
want(const struct doc *d, int k)
{
	return k == ARC_CLF_CATEGORY ? types[d->type].category
	       : k == ARC_CLF_TYPE   ? types[d->type].name
				     : custs[d->cust].number;
}

static int
run_fold(struct arc *a, const struct doc *docs, int n, int folds, int f,
	 struct tally *t)
{
	struct arc_clf_example *ex;
	struct arc_user who;
	json_t *s = NULL, *v;
	int i, k, m = 0, b, ok;
	double conf;

	arc_user_local(&who);
	if ((ex = calloc((size_t)n, sizeof(*ex))) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		if (i % folds == f)
			continue;
		ex[m].text = docs[i].text;
		for (k = 0; k < ARC_CLF__MAX; k++)
			ex[m].labels[k] = want(&docs[i], k);
		m++;
	}
	if (arc_clf_reset(a) != DOS_OK || arc_clf_train(a, ex, (size_t)m, 1) !=
						   DOS_OK) {
		free(ex);
		return -1;
	}
	free(ex);
	for (i = f; i < n; i += folds) {
		if (arc_clf_suggest(a, &who, docs[i].text, &s) != DOS_OK)
			return -1;
		for (k = 0; k < ARC_CLF__MAX; k++) {
			t->asked[k]++;
			v = s != NULL ? json_object_get(s, arc_clf_kind_name(
							       (enum arc_clf_kind)k))
				      : NULL;
			if (!json_is_object(v)) {
				t->none[k]++;
				continue;
			}
			ok = strcmp(json_string_value(json_object_get(v,
								      "value")),
				    want(&docs[i], k)) == 0;
			t->right[k] += ok;
			conf = json_real_value(json_object_get(v, "confidence"));
			for (b = 0; b < 6; b++)
				if (conf >= bands[b]) {
					t->band_n[k][b]++;
					t->band_right[k][b] += ok;
				}
		}
		json_decref(s);
		s = NULL;
	}
	return 0;
}

static void
json_line(const struct doc *d)
{
	json_t *o = json_pack("{s:s,s:s,s:s,s:s}", "type",
			      types[d->type].name, "category",
			      types[d->type].category, "customer",
			      custs[d->cust].number, "text", d->text);
	char *s = json_dumps(o, JSON_COMPACT);

	printf("%s\n", s);
	free(s);
	json_decref(o);
}

int
main(int argc, char **argv)
{
	struct tally t;
	struct doc *docs;
	struct arc *a = NULL;
	char dir[] = "/tmp/dossier-classify-XXXXXX", cmd[128];
	long ndocs = 800, folds = 5, seed = 1;
	double check = -1, secs, acc;
	int i, k, b, dump = 0, rc = 1;
	struct timespec t0, t1;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--docs") == 0 && i + 1 < argc)
			ndocs = atol(argv[++i]);
		else if (strcmp(argv[i], "--folds") == 0 && i + 1 < argc)
			folds = atol(argv[++i]);
		else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
			seed = atol(argv[++i]);
		else if (strcmp(argv[i], "--check-type") == 0 && i + 1 < argc)
			check = atof(argv[++i]);
		else if (strcmp(argv[i], "--dump") == 0)
			dump = 1;
		else {
			fprintf(stderr, "usage: classify_bench [--docs N] "
					"[--folds K] [--seed S] [--check-type "
					"PCT] [--dump]\n");
			return 2;
		}
	}
	if (ndocs < 40 || ndocs > 100000 || folds < 2 || folds > 20) {
		fprintf(stderr, "classify_bench: 40..100000 documents, 2..20 "
				"folds\n");
		return 2;
	}
	rng_state += (unsigned long long)seed * 0x9e3779b97f4a7c15ull;
	make_customers();
	if ((docs = calloc((size_t)ndocs, sizeof(*docs))) == NULL)
		return 1;
	for (i = 0; i < ndocs; i++)
		make_doc(&docs[i], (int)rnd(N(types)), (int)rnd(NCUST));
	if (dump) {
		for (i = 0; i < ndocs; i++)
			json_line(&docs[i]);
		rc = 0;
		goto out;
	}
	if (dos_crypto_init() != DOS_OK || mkdtemp(dir) == NULL ||
	    arc_open(dir, ARC_CREATE, &a) != DOS_OK) {
		fprintf(stderr, "classify_bench: cannot make an archive\n");
		goto out;
	}
	memset(&t, 0, sizeof(t));
	printf("classify: %ld generated documents (8 types, 7 categories, %d "
	       "customers, a quarter Chinese, OCR-like damage), %ld-fold "
	       "cross-validation, seed %ld\n",
	       ndocs, NCUST, folds, seed);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < folds; i++)
		if (run_fold(a, docs, (int)ndocs, (int)folds, i, &t) != 0) {
			fprintf(stderr, "classify_bench: fold %d failed\n", i);
			goto out;
		}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	       (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	for (k = 0; k < ARC_CLF__MAX; k++)
		printf("  %-9s accuracy %5.1f%% (%ld of %ld; %ld without a "
		       "suggestion)\n",
		       arc_clf_kind_name((enum arc_clf_kind)k),
		       100.0 * (double)t.right[k] / (double)t.asked[k],
		       t.right[k], t.asked[k], t.none[k]);
	printf("  by the confidence shown (what a threshold files without a "
	       "person, and how much of it is right):\n");
	for (k = 0; k < ARC_CLF__MAX; k++)
		for (b = 0; b < 6; b++)
			printf("    %-9s >= %2.0f%%: %5.1f%% of documents, "
			       "%5.1f%% of them right\n",
			       arc_clf_kind_name((enum arc_clf_kind)k),
			       bands[b],
			       100.0 * (double)t.band_n[k][b] /
				       (double)t.asked[k],
			       t.band_n[k][b] ? 100.0 *
							(double)t.band_right[k][b] /
							(double)t.band_n[k][b]
					      : 0.0);
	printf("  time: %.1f s for %ld folds (training and %ld suggestions)\n",
	       secs, folds, ndocs);
	acc = 100.0 * (double)t.right[ARC_CLF_TYPE] /
	      (double)t.asked[ARC_CLF_TYPE];
	rc = 0;
	if (check >= 0) {
		printf("document type accuracy %.1f%%: %s (at least %.1f%%)\n",
		       acc, acc >= check ? "met" : "NOT met", check);
		rc = acc >= check ? 0 : 1;
	}
out:
	arc_close(a);
	if (a != NULL) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "classify_bench: %s left behind\n",
				dir);
	}
	for (i = 0; i < ndocs; i++)
		free(docs[i].text);
	free(docs);
	return rc;
}
