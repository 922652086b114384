#!/usr/bin/env python3
"""Synthesises a library of N Markdown research reports from REAL report text, for scale benchmarks.

usage: gen.py OUT_DIR N [--seed 7] [--shared ../shared] [--labels FILE] [--paragraphs 51]

Material (all read from ../shared, nothing invented but the cover lines): paragraphs of the 498 qznan
industry reports (runs of 1-4 sentences, 40-400 characters), of the 47 mpb Markdown ground truths and
of the seed; real section headings, figure captions and pipe tables (with their captions and source
lines) from the mpb reports; real report titles (qznan file names, mpb titles).

What the library looks like (the mix of a broker-report archive, not N independent samples):
  ~85 % distinct reports: a run of consecutive paragraphs of one real report (the "topic", 10-30
        paragraphs) completed with paragraphs of other reports of the same sector and a few of any;
        figures in about half the paragraphs changed, so paragraphs recur but not verbatim;
  ~10 % series issues: a weekly/monthly tracker (行业周报, 月报, 批签发数据专题, 投资策略 ...): one
        template per series, each issue with another period in its title, a later date, other
        figures everywhere and ~15 % of its paragraphs new (different reports, same template);
   ~5 % near-copies: an earlier report again under another file name, as one of: reflowed (hard
        line breaks every 36-44 characters), another title line, re-encoded as GBK, UTF-8 with BOM and
        CRLF line ends, or plain text without Markdown markers (the same report, other bytes).
Each report has ~51 body paragraphs (>= 5 M paragraphs at 100 k reports), a cover (institution out of
30, one or two of ~300 analysts with SAC numbers, a date 2015-2024 in one of three spellings), numbered
sections, 1-3 real tables and 1-3 figure captions with source lines, and a 风险提示 section.

Writes OUT_DIR/r000000.md ... (.txt for plain-text copies) and a labels file (default
OUT_DIR.labels.jsonl): one JSON object per file: file, kind (distinct|series|copy), series, issue,
copy_of (file), how (copy transform), title, date, institution. Deterministic for a given seed and N
(the first M reports of a size-N run are not the same as a size-M run)."""
import json, os, random, re, sys

SECTOR = {'dianzi': '电子', 'xuezhipin': '血制品', 'yiliaoqixie': '医疗器械', 'yimei': '医美', 'yiyao': '医药生物'}
INSTITUTIONS = ['中国银河证券', '中信证券', '中金公司', '华泰证券', '国泰君安证券', '海通证券', '广发证券', '招商证券',
                '申万宏源证券', '兴业证券', '光大证券', '东吴证券', '国信证券', '天风证券', '安信证券', '长江证券',
                '方正证券', '民生证券', '浙商证券', '西部证券', '国盛证券', '东方证券', '中泰证券', '华西证券',
                '开源证券', '德邦证券', '华创证券', '东北证券', '平安证券', '太平洋证券']
SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤'
GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华玉萍红娟建文辉力宁凯鹏飞俊峰晨瑞欣佳琪思远博文浩然子涵雨轩一鸣嘉怡'
REPORT_TYPES = ['行业深度报告', '行业点评', '公司点评', '首次覆盖报告', '专题研究', '行业动态报告', '投资策略', '公司深度报告']
ENGLISH_SECTORS = {'dianzi': 'Electronics', 'xuezhipin': 'Plasma products', 'yiliaoqixie': 'Medical devices',
                   'yimei': 'Medical aesthetics', 'yiyao': 'Pharmaceuticals'}

def cjk(s):
    return any('\u4e00' <= c <= '\u9fff' for c in s)

def load(shared):
    """Returns docs: list of {title, sector, domain, paras}, plus pools of headings, captions, tables."""
    docs, headings, captions, tables = [], [], [], []
    qz = os.path.join(shared, 'corpus', 'text', 'qznan', 'yanbao_498_industry_reports_source_content.jsonl')
    for line in open(qz, encoding='utf-8'):
        try:
            d = json.loads(line)
        except ValueError:
            continue
        sents = [s.strip() for s in re.split(r'(?<=[。！？])', d['text']) if s.strip()]
        paras, run = [], ''
        for s in sents:
            if len(s) > 400:  # text without sentence ends (tables flattened by the PDF tool): skip
                if len(run) >= 40: paras.append(run)
                run = ''
                continue
            if run and len(run) + len(s) > 400:
                paras.append(run); run = ''
            run += s
            if len(run) >= 120 and (len(run) >= 200 or run.count('。') >= 3):
                paras.append(run); run = ''
        if len(run) >= 40: paras.append(run)
        paras = [p for p in paras if cjk(p)]
        for m in re.finditer(r'(图表?\s?\d{1,2}\s?[：:]\s?[^。；图表]{6,36}?)(?=资料来源|来源|数据来源|图表?\s?\d)', d['text']):
            captions.append(m.group(1).strip())
        if len(paras) >= 8:
            docs.append({'title': re.sub(r'\.pdf$', '', d['pdf_name']), 'domain': d['domain'],
                         'sector': SECTOR.get(d['domain'], '行业'), 'paras': paras})
    texts = [open(os.path.join(shared, 'seed', '000_aa7b0d65672ddc97.txt'), encoding='utf-8').read()]
    mpb = os.path.join(shared, 'corpus', 'text', 'mpb')
    texts += [open(os.path.join(mpb, n), encoding='utf-8').read() for n in sorted(os.listdir(mpb))]
    for text in texts:
        blocks = [b.strip() for b in re.split(r'\n\s*\n', text)]
        title, paras = None, []
        for i, b in enumerate(blocks):
            if not b:
                continue
            first = b.splitlines()[0].strip()
            if b.startswith('|'):
                rows = [r for r in b.splitlines() if r.startswith('|')]
                if 3 <= len(rows) <= 40 and all(len(r) < 400 for r in rows):
                    prev = blocks[i - 1] if i else ''
                    cap = prev if re.match(r'^(#+\s*)?(表|图表)', prev) and len(prev) < 80 else ''
                    nxt = blocks[i + 1] if i + 1 < len(blocks) else ''
                    src = nxt.splitlines()[0] if re.match(r'^(资料来源|来源|数据来源)', nxt) else ''
                    tables.append((re.sub(r'^#+\s*', '', cap), rows, src))
                continue
            if b.startswith('#'):
                h = re.sub(r'^#+\s*', '', first)
                if title is None:
                    title = h
                elif 4 <= len(h) <= 40 and not re.match(r'^(表|图)', h):
                    headings.append(h)
                continue
            if re.match(r'^(图|图表)\s*\d*\s*[:：]', first) and len(first) < 80:
                captions.append(first)
                continue
            if len(b) >= 60 and not b.startswith(('!', '<', '图', '表', '资料来源', '来源')) and cjk(b):
                paras.append(' '.join(l.strip() for l in b.splitlines()))
        if len(paras) >= 8:
            docs.append({'title': title or paras[0][:24], 'domain': 'mpb', 'sector': '', 'paras': paras})
    return docs, headings, captions, tables

NUM = re.compile(r'(?<![\d.])(\d+(?:\.\d+)?)(?![\d.])(\s*)(年|月|日|周|季度|号|期|届)?')

def headline(rng, paras):
    """A clause of 8-24 characters out of the paragraphs (a title's second half)."""
    for _ in range(20):
        clauses = [c.strip() for c in re.split(r'[，。；：！？,;:➢●■]', rng.choice(paras)) if 8 <= len(c.strip()) <= 24 and cjk(c)]
        if clauses:
            return rng.choice(clauses)
    return ''

def perturb(text, rng):
    """Changes the figures in a text (not years, dates or ordinals)."""
    def sub(m):
        num, space, unit = m.group(1), m.group(2), m.group(3)
        before, after = m.string[max(0, m.start() - 2):m.start()], m.string[m.end():m.end() + 1]
        if before in ('沪深', '中证', '上证', '深证') or before[-1:].isascii() and before[-1:].isalpha() or after.isascii() and after.isalpha() and not unit:
            return m.group(0)
        if unit or ('.' not in num and 1990 <= int(num) <= 2035) or num.startswith('0'):
            return m.group(0)
        value = float(num) * rng.uniform(0.7, 1.3)
        if '.' in num:
            out = '%.*f' % (len(num.split('.')[1]), value)
        else:
            out = str(max(1, int(round(value))))
        return out + space + (unit or '')
    return NUM.sub(sub, text)

class Gen:
    def __init__(self, shared, seed, paragraphs):
        self.docs, self.headings, self.captions, self.tables = load(shared)
        self.by_domain = {}
        for k, d in enumerate(self.docs):
            self.by_domain.setdefault(d['domain'], []).append(k)
        self.seed, self.per = seed, paragraphs
        rng = random.Random(seed)
        self.authors = {inst: ['%s%s%s' % (rng.choice(SURNAMES), rng.choice(GIVEN), rng.choice(GIVEN + ' ').strip()) for _ in range(10)]
                        for inst in INSTITUTIONS}
        self.sac = {}
        for inst, names in self.authors.items():
            for n in names:
                self.sac[n] = 'S%04d%09d' % (rng.randint(100, 1600), rng.randint(0, 999999999))

    def n_paragraphs(self):
        return sum(len(d['paras']) for d in self.docs)

    def para(self, rng, domain):
        if rng.random() < 0.8 and domain in self.by_domain:
            d = self.docs[rng.choice(self.by_domain[domain])]
        else:
            d = rng.choice(self.docs)
        return rng.choice(d['paras'])

    def base(self, rng):
        """A distinct report: blocks, title, sector, domain."""
        d = rng.choice(self.docs)
        n = self.per + rng.randint(-5, 5)
        run = rng.randint(10, 30)
        start = rng.randint(0, max(0, len(d['paras']) - run))
        paras = list(d['paras'][start:start + run])
        while len(paras) < n:
            paras.append(self.para(rng, d['domain']))
        paras = [perturb(p, rng) if rng.random() < 0.5 else p for p in paras]
        sector = d['sector'] or rng.choice(list(SECTOR.values()) + ['宏观', '策略', '新能源', '汽车', '食品饮料', '银行', '计算机'])
        if rng.random() < 0.3:
            title = d['title']
        else:
            clause = headline(rng, paras) or d['title']
            title = '%s%s：%s' % (sector, rng.choice(['行业', '', '板块', '产业']), clause)
        return {'title': title, 'sector': sector, 'domain': d['domain'], 'blocks': self.layout(rng, paras)}

    def layout(self, rng, paras):
        """Sections, tables and figures around the paragraphs."""
        blocks, k, sec = [('h', '投资要点')], 0, 0
        n_tables, n_figs = rng.randint(1, 3), rng.randint(1, 3)
        table_at = set(rng.sample(range(4, len(paras) - 2), n_tables))
        fig_at = set(rng.sample(range(4, len(paras) - 2), n_figs))
        t_no = f_no = 0
        for i, p in enumerate(paras):
            if i == len(paras) - 2:
                blocks.append(('h', '%d. 风险提示' % (sec + 1)))
            elif i in (3,) or (i > 3 and i % 12 == 3):
                sec += 1
                blocks.append(('h', '%d. %s' % (sec, rng.choice(self.headings))))
            blocks.append(('p', p))
            if i in table_at and self.tables:
                t_no += 1
                cap, rows, src = rng.choice(self.tables)
                cap = re.sub(r'^(表|图表)\s*\d*\s*[:：]?\s*', '', cap) or '主要指标'
                blocks.append(('table', '表 %d：%s' % (t_no, cap), [perturb(r, rng) for r in rows], src or '资料来源：Wind'))
            if i in fig_at and self.captions:
                f_no += 1
                cap = re.sub(r'^(图表?)\s*\d*\s*[:：]\s*', '', rng.choice(self.captions))
                blocks.append(('fig', '图 %d：%s' % (f_no, cap), '资料来源：Wind，公司公告'))
        return blocks

    def cover(self, rng, inst, date, kind):
        names = rng.sample(self.authors[inst], rng.choice([1, 1, 2]))
        y, m, d = date
        spelling = rng.choice(['%d年%02d月%02d日', '%d-%02d-%02d', '%d.%02d.%02d'])
        lines = ['%s | %s' % (inst, kind), spelling % (y, m, d)]
        lines += ['证券分析师：%s  执业证书编号：%s' % (n, self.sac[n]) for n in names]
        return lines, names

def render(title, cover, blocks, markdown=True):
    h = (lambda level, t: '%s %s' % ('#' * level, t)) if markdown else (lambda level, t: t)
    out = [h(1, title), '']
    for line in cover:
        out += [line, '']
    for b in blocks:
        if b[0] == 'h':
            out += [h(2, b[1]), '']
        elif b[0] == 'p':
            out += [b[1], '']
        elif b[0] == 'table':
            out += [b[1], ''] + b[2] + ['', b[3], '']
        elif b[0] == 'fig':
            out += [b[1], '', b[2], '']
    return '\n'.join(out) + '\n'

def reflow(text, rng):
    width = rng.randint(36, 44)
    out = []
    for line in text.split('\n'):
        if len(line) <= width or line.startswith(('#', '|')):
            out.append(line)
        else:
            out += [line[i:i + width] for i in range(0, len(line), width)]
    return '\n'.join(out)

SERIES = [
    ('%(sector)s行业周报（%(y)d年第%(w)d周）：%(headline)s', 'week'),
    ('%(sector)s月报：%(y)d年%(m)d月%(headline)s', 'month'),
    ('%(sector)s%(m)d月批签发数据专题', 'month'),
    ('%(sector)s行业%(y)d年%(m)d月投资策略', 'month'),
    ('%(sector)s周度跟踪：%(headline)s', 'week'),
    ('%(inst)s%(sector)s行业%(y)d年%(m)d月动态报告', 'month'),
]

def add_days(date, days):
    import datetime
    d = datetime.date(*date) + datetime.timedelta(days=days)
    return (d.year, d.month, d.day)

def plan(n, rng):
    """Returns a list of specs: ('distinct', seed) | ('series', seed, issue) | ('copy', index_of_original, how)."""
    n_copy, n_series = round(0.05 * n), round(0.10 * n)
    specs = []
    left = n_series
    while left > 0:
        length = min(left, rng.randint(4, 12))
        s = rng.randrange(1 << 30)
        specs += [('series', s, k) for k in range(length)]
        left -= length
    specs += [('distinct', rng.randrange(1 << 30)) for _ in range(n - n_copy - n_series)]
    rng.shuffle(specs)
    for _ in range(n_copy):
        orig = rng.randrange(len(specs))
        while specs[orig][0] == 'copy':
            orig = rng.randrange(len(specs))
        specs.insert(rng.randrange(orig + 1, len(specs) + 1) if rng.random() < 0.8 else rng.randrange(0, orig + 1),
                     ('copy', specs[orig], rng.choice(['reflow', 'retitle', 'gbk', 'bom_crlf', 'plain'])))
    return specs

def make(gen, spec):
    """Returns (title, cover lines, blocks, meta) for a distinct or series spec."""
    if spec[0] == 'distinct':
        rng = random.Random(spec[1])
        r = gen.base(rng)
        inst = rng.choice(INSTITUTIONS)
        date = (rng.randint(2015, 2024), rng.randint(1, 12), rng.randint(1, 28))
        cover, names = gen.cover(rng, inst, date, rng.choice(REPORT_TYPES))
        return r['title'], cover, r['blocks'], {'date': '%d-%02d-%02d' % date, 'institution': inst, 'authors': names}
    _, seed, issue = spec
    srng = random.Random(seed)  # the series template
    r = gen.base(srng)
    inst = srng.choice(INSTITUTIONS)
    pattern, step = srng.choice([x for x in SERIES if r['sector'] == '血制品' or '批签发' not in x[0]])
    start = (srng.randint(2015, 2023), srng.randint(1, 12), srng.randint(1, 28))
    irng = random.Random(seed * 131 + issue + 1)  # this issue
    if step == 'week':
        date = add_days(start, 7 * issue)
    else:
        months = start[0] * 12 + start[1] - 1 + issue
        date = (months // 12, months % 12 + 1, start[2])
    blocks = []
    for b in r['blocks']:
        if b[0] == 'p':
            p = gen.para(irng, r['domain']) if irng.random() < 0.15 else b[1]
            blocks.append(('p', perturb(p, irng)))
        elif b[0] == 'table':
            blocks.append(('table', b[1], [perturb(x, irng) for x in b[2]], b[3]))
        else:
            blocks.append(b)
    import datetime
    headline_ = headline(irng, [b[1] for b in blocks if b[0] == 'p'])
    title = pattern % {'sector': r['sector'], 'y': date[0], 'm': date[1], 'w': datetime.date(*date).isocalendar()[1],
                       'headline': headline_, 'inst': inst}
    cover, names = gen.cover(random.Random(seed + 1), inst, date, '行业周报' if step == 'week' else '行业月报')
    return title, cover, blocks, {'date': '%d-%02d-%02d' % date, 'institution': inst, 'authors': names, 'series': seed, 'issue': issue}

def main():
    args = sys.argv[1:]
    if len(args) < 2:
        print(__doc__); sys.exit(2)
    out_dir, n = args[0], int(args[1])
    opt = lambda name, default: args[args.index(name) + 1] if name in args else default
    seed = int(opt('--seed', 7))
    shared = opt('--shared', os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', 'shared'))
    labels_path = opt('--labels', out_dir.rstrip('/') + '.labels.jsonl')
    gen = Gen(shared, seed, int(opt('--paragraphs', 51)))
    rng = random.Random(seed)
    specs = plan(n, rng)
    os.makedirs(out_dir, exist_ok=True)
    names = {}
    src_bytes = body_paras = 0
    with open(labels_path, 'w', encoding='utf-8') as labels:
        for i, spec in enumerate(specs):
            name = 'r%06d' % i
            label = {'file': name + '.md', 'kind': spec[0]}
            if spec[0] == 'copy':
                orig, how = spec[1], spec[2]
                title, cover, blocks, meta = make(gen, orig)
                crng = random.Random(i)
                label.update(how=how, copy_of_spec=repr(orig[:3]))
                if how == 'retitle':
                    title = crng.choice(['【%s】' % meta['institution'] + title, title + '（%s）' % meta['date'].replace('-', ''),
                                         title + '-' + meta['institution'], '研报：' + title])
                text = render(title, cover, blocks, markdown=(how != 'plain'))
                if how == 'reflow':
                    text = reflow(text, crng)
                if how == 'plain':
                    label['file'] = name + '.txt'
                if how == 'gbk':
                    try:
                        data = text.encode('gbk')
                    except UnicodeEncodeError:
                        data = text.encode('gb18030')
                elif how == 'bom_crlf':
                    data = b'\xef\xbb\xbf' + text.replace('\n', '\r\n').encode('utf-8')
                else:
                    data = text.encode('utf-8')
                label['copy_of'] = names.get(repr(orig[:3]))
            else:
                title, cover, blocks, meta = make(gen, spec)
                data = render(title, cover, blocks).encode('utf-8')
                names[repr(spec[:3])] = label['file']
            body_paras += sum(1 for b in blocks if b[0] == 'p')
            label.update(title=title, **meta)
            with open(os.path.join(out_dir, label['file']), 'wb') as f:
                f.write(data)
            src_bytes += len(data)
            labels.write(json.dumps(label, ensure_ascii=False) + '\n')
    # copies written before their original: name the original now
    fix = []
    for line in open(labels_path, encoding='utf-8'):
        l = json.loads(line)
        if l['kind'] == 'copy':
            l['copy_of'] = names.get(l.pop('copy_of_spec'))
        fix.append(json.dumps(l, ensure_ascii=False))
    open(labels_path, 'w', encoding='utf-8').write('\n'.join(fix) + '\n')
    kinds = {}
    for spec in specs:
        kinds[spec[0]] = kinds.get(spec[0], 0) + 1
    json.dump({'reports': len(specs), 'kinds': kinds, 'body_paragraphs': body_paras, 'source_bytes': src_bytes,
               'real_paragraphs': gen.n_paragraphs(), 'real_reports': len(gen.docs)},
              open(labels_path.replace('.labels.jsonl', '') + '.summary.json', 'w'))
    print('wrote %d reports (%s), %d body paragraphs, %.1f MB, from %d real paragraphs of %d reports, %d tables, %d captions, to %s; labels in %s'
          % (len(specs), ', '.join('%d %s' % (v, k) for k, v in sorted(kinds.items())), body_paras, src_bytes / 1e6,
             gen.n_paragraphs(), len(gen.docs), len(gen.tables), len(gen.captions), out_dir, labels_path))

if __name__ == '__main__':
    main()
