"""Helpers the multi-process proofs share (bench/shared/proof.py, bench/crash/run.py): the batch of
real reports they feed yanbao, a scratch PostgreSQL database, waiting for a server. Stdlib only."""
import hashlib, os, random, subprocess, sys, time, urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
REPORT_SUFFIXES = ('.pdf', '.md', '.markdown', '.txt', '.html')


def corpus_files(corpus):
    """The report files of the shared corpus (its PDFs and Markdown/text reports), sorted; [] when
    the folder is not there."""
    found = []
    if os.path.isdir(corpus):
        for root, _, files in os.walk(corpus):
            for name in files:
                if name.lower().endswith(REPORT_SUFFIXES) and name not in ('README.md', 'PROVENANCE.tsv'):
                    found.append(os.path.join(root, name))
    return sorted(found)


def sample_files():
    """The reports bundled with the repository (samples/)."""
    folder = os.path.join(REPO, 'samples')
    return sorted(os.path.join(folder, n) for n in os.listdir(folder) if n.lower().endswith(REPORT_SUFFIXES))


def write_bad_files(folder, seed=7):
    """Three files that are no report (empty, binary junk, a truncated PDF); returns their names."""
    rng = random.Random(seed)
    bad = {'empty.md': b'', 'junk.txt': bytes(rng.randrange(256) for _ in range(8192)),
           'truncated.pdf': b'%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pa'}
    os.makedirs(folder, exist_ok=True)
    for name, data in bad.items():
        with open(os.path.join(folder, name), 'wb') as f:
            f.write(data)
    return sorted(bad)


def synthetic_reports(folder, n, shared=None, seed=7):
    """N Markdown reports made from real report text: bench/scale/gen.py from ../shared when it is
    there, else paragraphs of the bundled samples recombined (each report a distinct mix with a
    title and figures of its own). Returns the files written."""
    if n <= 0:
        return []
    if shared and os.path.isfile(os.path.join(shared, 'corpus', 'text', 'qznan', 'yanbao_498_industry_reports_source_content.jsonl')):
        subprocess.run([sys.executable, os.path.join(HERE, 'scale', 'gen.py'), folder, str(n), '--shared', shared, '--seed', str(seed)],
                       check=True, capture_output=True)
    else:
        os.makedirs(folder, exist_ok=True)
        paragraphs = []
        for path in sample_files():
            if path.endswith(('.md', '.txt')):
                text = open(path, encoding='utf-8').read().replace('预览已结束', '预览')
                paragraphs += [p.strip() for p in text.split('\n\n') if len(p.strip()) > 40 and not p.lstrip().startswith(('#', '|'))]
        rng = random.Random(seed)
        for i in range(n):
            body = rng.sample(paragraphs, min(len(paragraphs), 24))
            figures = '，'.join(f'{rng.randrange(1, 999)}.{rng.randrange(10)}%' for _ in range(6))
            with open(os.path.join(folder, f's{i:05d}.md'), 'w', encoding='utf-8') as f:
                f.write(f'# 行业跟踪第{i + 1}期：样本报告 {i}\n\n2024年{1 + i % 12}月{1 + i % 28}日\n\n')
                for k, p in enumerate(body):
                    f.write(f'## {k + 1}. 第{k + 1}部分\n\n{p}\n\n本期数据：{figures}。\n\n')
    return sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.endswith(('.md', '.txt')))


def digest(path):
    with open(path, 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()


def report_id(data):
    """The id yanbao gives a file: the first 8 bytes of its SHA-256, in hex."""
    return hashlib.sha256(data).hexdigest()[:16]


class ScratchDb:
    """A PostgreSQL database of one run, made on the server of `admin` (a URL of a database that
    exists, e.g. postgres://postgres@127.0.0.1:5432/postgres) and dropped by drop()."""

    def __init__(self, admin, name):
        self.base = admin.split('?')[0].rsplit('/', 1)[0]
        self.name = name
        self.url = f'{self.base}/{name}'
        self.psql('postgres', f'DROP DATABASE IF EXISTS {name} WITH (FORCE)')
        self.psql('postgres', f'CREATE DATABASE {name}')

    def psql(self, db, sql):
        return subprocess.run(['psql', f'{self.base}/{db}', '-Atc', sql], check=True, capture_output=True, text=True).stdout.strip()

    def query(self, sql):
        return self.psql(self.name, sql)

    def drop(self):
        self.psql('postgres', f'DROP DATABASE IF EXISTS {self.name} WITH (FORCE)')


def wait_http(url, proc, seconds=300):
    """Waits until `url` answers; False when `proc` exits first or the time runs out."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1)
            return True
        except Exception:
            if proc.poll() is not None:
                return False
            time.sleep(0.1)
    return False
