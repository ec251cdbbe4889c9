/*
 * draw.c: the content of the classic document kinds (letter, account form,
 * contract, invoice, all four in Chinese, cover and separator sheets).
 */
#include "gs.h"

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

void draw_letter(struct lay *l, const struct ident *id)
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

void draw_form(struct lay *l, const struct ident *id)
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

void draw_contract(struct lay *l, const struct page *pg, const struct ident *id)
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

void draw_invoice(struct lay *l, const struct ident *id)
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
void draw_chinese(struct lay *l, const struct page *pg, const struct ident *id)
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
int draw_cover(struct lay *l, const struct ident *id, json_t *barcodes)
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
int draw_separator(struct lay *l, json_t *barcodes)
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
void draw_idcopy(struct lay *l, const struct ident *id)
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
void draw_footer(struct lay *l, const struct page *pg, const struct ident *id)
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
