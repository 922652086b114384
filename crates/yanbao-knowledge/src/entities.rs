//! Named entities: people, organisations, places and listed companies, with mention counts.
//!
//! Sources, from most to least trusted:
//! 1. the report's own metadata (publisher, institution → org; authors, analysts → person);
//! 2. the dictionary shipped with this crate (`data/lexicon.tsv`: well-known people, agencies,
//!    companies, brokers, places);
//! 3. patterns: a title next to a name (`国务卿布林肯`, `刘鹤副总理`, `孟晚舟女士`), analyst
//!    lines with a SAC number, names listed before `等总统`, a name printed with its stock code
//!    (`上海莱士（002252）`, a table row `601899.SH | 紫金矿业`: kind company, see
//!    [`crate::companies`]), an acronym paired with a bracketed Chinese name
//!    (`USTR（美国贸易代表办公室）`), a media name in 【】, organisation suffixes
//!    (`光大证券研究所`, `中国政府`);
//! 4. jieba-rs's own dictionary: words tagged `nrfg` (full names of well-known people) and
//!    words tagged `nt` that end in an organisation character (`商务部`, `国家统计局`).
//!
//! jieba's `nr`/`ns` tags alone are not trusted: on broker text they tag 归母, 许可 and 普鲁士
//! as people and 上市, 东吴 as places. Every person candidate must look like a name: a common
//! Chinese surname and 2–3 characters, or 2–5 characters of transliteration, and must not start
//! with an ordinary dictionary word.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use jieba_rs::Jieba;
use regex::Regex;
use yanbao_model::{Entity, EntityKind, Report};

/// The entity dictionary shipped with the crate: `kind \t name \t code`.
const LEXICON_TSV: &str = include_str!("../data/lexicon.tsv");

/// One dictionary entry.
#[derive(Debug, Clone)]
struct Known {
    kind: EntityKind,
    code: Option<String>,
}

static LEXICON: LazyLock<HashMap<String, Known>> = LazyLock::new(|| {
    let mut map = HashMap::new();
    for line in LEXICON_TSV.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let mut fields = line.split('\t');
        let kind = match fields.next() {
            Some("person") => EntityKind::Person,
            Some("org") => EntityKind::Org,
            Some("place") => EntityKind::Place,
            _ => EntityKind::Other,
        };
        let Some(name) = fields.next().map(str::trim).filter(|n| !n.is_empty()) else { continue };
        let code = fields.next().map(str::trim).filter(|c| !c.is_empty()).map(str::to_string);
        map.insert(name.to_string(), Known { kind, code });
    }
    map
});

/// jieba with its default dictionary, loaded once (about 200 ms).
pub(crate) static JIEBA: LazyLock<Jieba> = LazyLock::new(Jieba::new);

/// Common Chinese surnames (single characters), for telling names from words.
const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝束";

/// Two-character surnames.
const DOUBLE_SURNAMES: [&str; 8] = ["欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "慕容", "令狐"];

/// Characters used to transliterate foreign names (拜登, 布林肯, 麦考利夫, 沙利文).
const TRANSLITERATION: &str = "阿埃艾安昂奥澳巴拜班邦包保鲍贝本比彼毕宾波伯博勃布查达戴丹道德登迪蒂丁东杜敦多厄恩尔法凡范菲费芬丰佛夫福弗盖甘冈戈格根古哈海汉豪赫亨洪胡华怀霍基吉加贾杰捷金卡凯坎康考柯科可克肯库夸奎拉莱赖兰朗劳勒雷蕾里理利莉连林琳伦罗洛吕马玛迈麦曼梅门蒙米敏明莫默姆穆纳娜奈南内尼涅纽努诺欧帕潘佩彭皮珀普奇齐乔切琼丘萨塞桑瑟森沙山尚舍什施史斯松苏索塔泰坦汤唐特滕图托瓦万威韦维温文沃乌伍西希夏谢辛休许雅亚扬耶伊因英尤于约泽扎詹祖佐琪肖曼伦";

/// Characters a person's name never ends with (they end places and organisations).
const NON_NAME_ENDINGS: &str = "国省市州县区部局委会院所行司党方岛洲湾港军队厅署处办组社报网";

/// Titles written before a name (`国务卿布林肯`).
const TITLES_BEFORE_NAME: &str = "副总理|总理|国务卿|外交部长|外长|特使|副总统|总统|副主席|主席|发言人|财政部长|商务部长|部长|财长|国务委员|候选人|助理|公民|董事长|总经理|总裁|首席执行官|创始人|行长|州长|市长|省长|大使|议长|主任|书记|秘书长|局长|署长|专栏作家|首席经济学家|经济学家|贸易代表|研究助理|联系人|证券分析师|分析师";

/// Titles written after a name (`刘鹤副总理`, `孟晚舟女士`).
const TITLES_AFTER_NAME: &str = "副总理|总理|外长|女士|先生|总统|国务卿|财长|大使|行长|主席";

/// Words that end a name written after a title (`布林肯于`, `扬金近`, `克里应中方`).
const RIGHT_STOPS: [&str; 64] = [
    "应约", "应邀", "应", "同", "与", "和", "在", "于", "的", "表示", "称", "说", "通电话", "通话", "举行", "访问",
    "宣布", "指出", "认为", "乘坐", "女士", "先生", "等", "近", "以", "将", "也", "已", "曾", "则", "对", "向",
    "就", "率", "出席", "会见", "发表", "提出", "强调", "一行", "及", "为", "是", "还", "又", "都", "均", "更",
    "并", "会", "要", "被", "把", "从", "到", "时", "此", "透露", "回应", "签署", "上任", "任内", "当选", "访",
];

/// Characters that end the text before a name written ahead of a title (`日孟晚舟女士`).
const LEFT_STOPS: &str = "日月年的和与及在同对向为将把被是由据让、从等如其该了受经给于以即并或跟就曾已前称";

static TITLE_THEN_NAME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"(?:{TITLES_BEFORE_NAME})[ \t:：]*")).expect("valid regex"));

static LEADING_HAN: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\p{Han}{2,8}").expect("valid regex"));

static NAME_THEN_TITLE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"(\p{{Han}}{{2,10}}?)(?:{TITLES_AFTER_NAME})")).expect("valid regex"));

static SAC_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\p{Han}{2,4})[\s,，]*(?:证券分析师|分析师|研究助理|联系人)?[\s:：]*(?:SAC)?\s*(?:执业证书编号|执业编号|证书编号|登记编号|编号)?[\s:：]*S\d{13}")
        .expect("valid regex")
});

static NAME_LIST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"((?:\p{Han}{2,5}[、，,]\s*)+\p{Han}{2,5})\s*等\s*(?:前总统|总统|领导人|官员|人士|政要|人)").expect("valid regex")
});

/// An acronym then a bracketed Chinese name. Used as `\b` + this pattern (see
/// [`acronym_then_name`]): the regex crate runs a Unicode `\b` on Chinese text with a slow engine
/// (10× the other patterns here), so the boundary is checked on each match instead.
static ACRONYM_THEN_NAME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"([A-Z][A-Z&]{1,7})\s*[（(]\s*(\p{Han}{2,16})\s*[)）]").expect("valid regex"));

/// A Unicode word character (`\w`, as `\b` sees them) at the start of a text.
static WORD_START: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\w").expect("valid regex"));

static NAME_THEN_ACRONYM: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(\p{Han}{2,16})\s*[（(]\s*([A-Z][A-Z&]{1,7})\s*[)）]").expect("valid regex"));

static MEDIA_BRACKET: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"【(\p{Han}{2,8}(?:网|社|日报|报|财经|新闻))】").expect("valid regex"));

static HAN_RUN: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\p{Han}+").expect("valid regex"));

/// The (acronym, name) pairs of `\b` + [`ACRONYM_THEN_NAME`] in a text, in order: the matches of
/// the pattern where a word boundary precedes; where none does, the search goes on one
/// character further (as a `\b` pattern's search would), so the pairs are exactly those of
/// `captures_iter` with the `\b`.
fn acronym_then_name(text: &str) -> Vec<(&str, &str)> {
    let mut pairs = Vec::new();
    let mut at = 0;
    while let Some(caps) = ACRONYM_THEN_NAME.captures_at(text, at) {
        let Some(whole) = caps.get(0) else { break };
        // The match starts with a word character (A-Z): a boundary is a non-word character
        // before it, or the start of the text.
        let boundary = text[..whole.start()].chars().next_back().is_none_or(|c| {
            let mut buffer = [0u8; 4];
            !WORD_START.is_match(c.encode_utf8(&mut buffer))
        });
        if boundary {
            if let (Some(acronym), Some(name)) = (caps.get(1), caps.get(2)) {
                pairs.push((acronym.as_str(), name.as_str()));
            }
            at = whole.end();
        } else {
            at = whole.start() + text[whole.start()..].chars().next().map_or(1, char::len_utf8);
        }
    }
    pairs
}

/// Organisation name endings, longest first.
const ORG_SUFFIXES: [&str; 17] = [
    "证券研究所", "股份有限公司", "有限公司", "研究中心", "研究所", "研究院", "办公室", "委员会", "交易所", "通讯社", "证券",
    "银行", "集团", "协会", "政府", "国会", "大学",
];

/// The first character of each of [`ORG_SUFFIXES`].
static ORG_SUFFIX_FIRSTS: LazyLock<[char; ORG_SUFFIXES.len()]> =
    LazyLock::new(|| ORG_SUFFIXES.map(|suffix| suffix.chars().next().unwrap_or('\0')));

/// Prefixes that make an organisation suffix generic (商业银行, 地方政府, 有价证券).
const GENERIC_ORG_PREFIXES: [&str; 41] = [
    "商业", "中央", "投资", "国有", "大型", "中小", "股份制", "城商", "农商", "上市", "主要", "村镇", "地方", "外资",
    "政策性", "全球", "多家", "私人", "储蓄", "民营", "中资", "有价", "发行", "各级", "当地", "联邦", "人民", "头部",
    "龙头", "券商", "科研", "高等", "重点", "子", "本", "该", "各", "其", "两家", "该行", "股份",
];

/// Prefixes that are generic only as the whole prefix (`科技有限公司`, `代表政府`, `公司研究所`),
/// while `华为科技有限公司` is a name.
const GENERIC_WHOLE_PREFIXES: [&str; 12] = ["科技", "公司", "代表", "信息", "实业", "材料", "玻璃", "光伏", "新能源", "能源", "加盟", "工业"];

/// Characters that end the text before an organisation name (like [`LEFT_STOPS`] but keeping
/// 日/年/月, which start names such as 日照港集团).
const ORG_LEFT_STOPS: &str = "的和与及在同对向为将把被是由据让、从等如其该了受经给于以即并或跟就曾已称到有";

/// The organisation name at the end of a Han run, after its last stop character.
fn cut_after_org_left_stop(run: &str) -> &str {
    match run.char_indices().rfind(|(_, c)| ORG_LEFT_STOPS.contains(*c)) {
        Some((offset, c)) => &run[offset + c.len_utf8()..],
        None => run,
    }
}

/// Acronyms of financial ratios and statistics, never organisations (`ROE(归属母公司)`).
const NON_ORG_ACRONYMS: [&str; 20] =
    ["ROE", "ROA", "ROIC", "EPS", "PE", "PB", "PS", "EBIT", "EBITDA", "GDP", "CPI", "PPI", "PMI", "YOY", "QOQ", "TTM", "EV", "PEG", "BPS", "DPS"];

/// Characters an organisation found by jieba's `nt` tag must end with.
const ORG_ENDINGS: &str = "部局院会行社所委署府团司学党盟办厅";

/// jieba `nt` words that are categories, not organisations.
const GENERIC_NT: [&str; 20] = [
    "上市公司", "商业银行", "公共场所", "联合会", "交易所", "中央银行", "非银行", "人民政府", "联邦政府", "公立医院", "交易会",
    "科研院所", "理工大学", "海运公司", "联合体", "化工集团", "内外部", "信息科学", "中西部", "新格局",
];

/// A candidate entity before counting.
#[derive(Debug, Clone)]
struct Candidate {
    kind: EntityKind,
    code: Option<String>,
}

/// Returns the entities of a report with their mention counts, most mentioned first.
pub fn extract_entities(report: &Report) -> Vec<Entity> {
    let texts = entity_texts(report);
    let mut found: HashMap<String, Candidate> = HashMap::new();
    for name in report.publisher.iter().chain(report.institution.iter()) {
        add(&mut found, name.trim(), EntityKind::Org, None);
    }
    for name in report.authors.iter().chain(report.analysts.iter().map(|a| &a.name)) {
        if looks_like_person_name(name.trim()) {
            add(&mut found, name.trim(), EntityKind::Person, None);
        }
    }
    for text in &texts {
        for (name, known) in lexicon_matches(text) {
            add(&mut found, &name, known.kind, known.code.clone());
        }
        for name in title_people(text).into_iter().chain(sac_people(text)) {
            add(&mut found, &name, EntityKind::Person, None);
        }
        for (name, security) in crate::companies::companies_in_text(text) {
            add(&mut found, &name, EntityKind::Company, Some(security.code));
        }
        // One jieba pass per text gives both kinds (tagging is most of this function's cost).
        let (jieba_orgs, jieba_people) = jieba_entities(text);
        for name in acronym_orgs(text).into_iter().chain(media_orgs(text)).chain(suffix_orgs(text)).chain(jieba_orgs) {
            add(&mut found, &name, EntityKind::Org, None);
        }
        for name in jieba_people {
            add(&mut found, &name, EntityKind::Person, None);
        }
    }
    for table in &report.tables {
        for (name, security) in crate::companies::companies_in_table(table) {
            add(&mut found, &name, EntityKind::Company, Some(security.code));
        }
    }
    let known_people: HashSet<String> =
        found.iter().filter(|(_, c)| c.kind == EntityKind::Person).map(|(n, _)| n.clone()).collect();
    for text in &texts {
        for name in listed_people(text, &known_people) {
            add(&mut found, &name, EntityKind::Person, None);
        }
    }
    let counts = count_mentions(&texts, found.keys().map(String::as_str));
    let mut entities: Vec<Entity> = found
        .into_iter()
        .map(|(name, candidate)| {
            let mentions = counts.get(name.as_str()).copied().unwrap_or(0).max(1);
            Entity { name, kind: candidate.kind, mentions, code: candidate.code }
        })
        .collect();
    entities.sort_by(|a, b| b.mentions.cmp(&a.mentions).then_with(|| a.name.cmp(&b.name)));
    entities
}

/// Adds a candidate; the dictionary's kind wins over a pattern's, and a code is never lost.
fn add(found: &mut HashMap<String, Candidate>, name: &str, kind: EntityKind, code: Option<String>) {
    if name.chars().count() < 2 {
        return;
    }
    let kind = LEXICON.get(name).map(|k| k.kind).unwrap_or(kind);
    let entry = found.entry(name.to_string()).or_insert(Candidate { kind, code: None });
    if entry.code.is_none() {
        entry.code = code;
    }
    // A name printed with a stock code is a listed company, whatever else found it first.
    if entry.code.is_some() {
        entry.kind = EntityKind::Company;
    }
}

/// Every text of a report that may name an entity.
pub(crate) fn entity_texts(report: &Report) -> Vec<&str> {
    let mut texts: Vec<&str> = vec![report.title.as_str()];
    texts.extend(report.subtitle.as_deref());
    texts.extend(report.blocks.iter().map(|b| b.text.as_str()));
    for figure in &report.figures {
        texts.extend(figure.source.as_deref());
        texts.extend(figure.notes.as_deref());
    }
    for table in &report.tables {
        texts.extend(table.source.as_deref());
        texts.extend(table.notes.as_deref());
        // Table cells are in the table block's text already; reports built without it still count.
        if report.blocks.get(table.block).is_none_or(|b| b.text.is_empty()) {
            texts.extend(table.header.iter().map(String::as_str));
            for row in &table.rows {
                texts.extend(row.iter().map(String::as_str));
            }
        }
    }
    texts
}

/// Dictionary names in a text, leftmost-longest.
fn lexicon_matches(text: &str) -> Vec<(String, &'static Known)> {
    scan_names(text, &LEXICON_INDEX)
        .into_iter()
        .filter_map(|name| LEXICON.get_key_value(name.as_str()).map(|(k, v)| (k.clone(), v)))
        .collect()
}

/// Dictionary names indexed by first character, longest first.
static LEXICON_INDEX: LazyLock<NameIndex> = LazyLock::new(|| index_names(LEXICON.keys().map(String::as_str)));

/// Names by first character, longest first, with one bit per possible first character (by the
/// low 16 bits of its code point) so that a scan passes most characters without a hash lookup.
struct NameIndex {
    by_first: HashMap<char, Vec<String>>,
    first_bits: Vec<u64>,
}

impl NameIndex {
    fn names_starting_with(&self, first: char) -> Option<&Vec<String>> {
        let bit = first as usize & 0xFFFF;
        if self.first_bits[bit / 64] & (1 << (bit % 64)) == 0 {
            return None;
        }
        self.by_first.get(&first)
    }
}

fn index_names<'a>(names: impl Iterator<Item = &'a str>) -> NameIndex {
    let mut index: HashMap<char, Vec<String>> = HashMap::new();
    let mut first_bits = vec![0u64; 0x10000 / 64];
    for name in names {
        if let Some(first) = name.chars().next() {
            index.entry(first).or_default().push(name.to_string());
            let bit = first as usize & 0xFFFF;
            first_bits[bit / 64] |= 1 << (bit % 64);
        }
    }
    for names in index.values_mut() {
        names.sort_by_key(|n| std::cmp::Reverse(n.len()));
    }
    NameIndex { by_first: index, first_bits }
}

/// Finds indexed names in a text, leftmost-longest and non-overlapping; ASCII names only on
/// word boundaries (USTR, not USTRA).
fn scan_names(text: &str, index: &NameIndex) -> Vec<String> {
    let mut hits = Vec::new();
    let mut offset = 0;
    while offset < text.len() {
        let rest = &text[offset..];
        let Some(first) = rest.chars().next() else { break };
        let mut advance = first.len_utf8();
        if let Some(names) = index.names_starting_with(first) {
            for name in names {
                if rest.starts_with(name.as_str()) && ascii_boundaries(text, offset, offset + name.len()) {
                    hits.push(name.clone());
                    advance = name.len();
                    break;
                }
            }
        }
        offset += advance;
    }
    hits
}

fn ascii_boundaries(text: &str, start: usize, end: usize) -> bool {
    let name = &text[start..end];
    let first_ascii = name.chars().next().is_some_and(|c| c.is_ascii_alphanumeric());
    let last_ascii = name.chars().next_back().is_some_and(|c| c.is_ascii_alphanumeric());
    let before_ok = !first_ascii || text[..start].chars().next_back().is_none_or(|c| !c.is_ascii_alphanumeric());
    let after_ok = !last_ascii || text[end..].chars().next().is_none_or(|c| !c.is_ascii_alphanumeric());
    before_ok && after_ok
}

/// Counts the mentions of every name over all texts (leftmost-longest, so 布林肯 is not 林肯).
pub(crate) fn count_mentions<'a>(texts: &[&str], names: impl Iterator<Item = &'a str>) -> HashMap<String, u32> {
    let index = index_names(names);
    let mut counts: HashMap<String, u32> = HashMap::new();
    for text in texts {
        for name in scan_names(text, &index) {
            *counts.entry(name).or_default() += 1;
        }
    }
    counts
}

/// Returns the people and organisations named in a text, in order of first mention.
pub fn actors_in(text: &str, entities: &[Entity]) -> Vec<String> {
    ActorIndex::new(entities).actors_in(text)
}

/// The people and organisations of a report indexed for [`actors_in`]: built once per report,
/// not once per event.
pub(crate) struct ActorIndex(NameIndex);

impl ActorIndex {
    pub(crate) fn new(entities: &[Entity]) -> ActorIndex {
        ActorIndex(index_names(
            entities.iter().filter(|e| matches!(e.kind, EntityKind::Person | EntityKind::Org)).map(|e| e.name.as_str()),
        ))
    }

    /// The indexed names in a text, in order of first mention.
    pub(crate) fn actors_in(&self, text: &str) -> Vec<String> {
        let mut actors: Vec<String> = Vec::new();
        for name in scan_names(text, &self.0) {
            if !actors.contains(&name) {
                actors.push(name);
            }
        }
        actors
    }
}

// ---------------------------------------------------------------- people

/// People named next to a title: `国务卿布林肯`, `外交部发言人华春莹`, `刘鹤副总理`, `孟晚舟女士`.
fn title_people(text: &str) -> Vec<String> {
    let mut people = Vec::new();
    for title in TITLE_THEN_NAME.find_iter(text) {
        let Some(run) = LEADING_HAN.find(&text[title.end()..]) else { continue };
        let name = cut_before_right_stop(run.as_str());
        if looks_like_person_name(name) {
            people.push(name.to_string());
        }
    }
    for caps in NAME_THEN_TITLE.captures_iter(text) {
        let Some(run) = caps.get(1) else { continue };
        // Take the whole Han run before the title, not the shortest the regex found.
        let run_start = han_run_start(text, run.start());
        let before_title = &text[run_start..run.end()];
        let name = cut_after_left_stop(before_title);
        if looks_like_person_name(name) && name.chars().count() <= 4 {
            people.push(name.to_string());
        }
    }
    people
}

/// Byte offset where the run of Han characters containing `offset` starts.
fn han_run_start(text: &str, offset: usize) -> usize {
    let mut start = offset;
    for (index, c) in text[..offset].char_indices().rev() {
        if !yanbao_model::normalize::is_han(c) {
            break;
        }
        start = index;
    }
    start
}

/// The name at the start of a Han run, cut before the first stop word after two characters.
fn cut_before_right_stop(run: &str) -> &str {
    for (position, (offset, _)) in run.char_indices().enumerate() {
        if position < 2 {
            continue;
        }
        if RIGHT_STOPS.iter().any(|stop| run[offset..].starts_with(stop)) {
            return &run[..offset];
        }
    }
    run
}

/// The name at the end of a Han run, after its last stop character.
fn cut_after_left_stop(run: &str) -> &str {
    match run.char_indices().rfind(|(_, c)| LEFT_STOPS.contains(*c)) {
        Some((offset, c)) => &run[offset + c.len_utf8()..],
        None => run,
    }
}

/// True when a string looks like a person's name: a surname and 2–3 characters (4 with a
/// double surname), or 2–5 transliteration characters; not a dictionary place or organisation,
/// not ending like one, and not starting with an ordinary word of jieba's dictionary.
fn looks_like_person_name(name: &str) -> bool {
    let chars: Vec<char> = name.chars().collect();
    if chars.len() < 2 || chars.len() > 5 || !chars.iter().all(|c| yanbao_model::normalize::is_han(*c)) {
        return false;
    }
    if LEXICON.get(name).is_some_and(|k| k.kind != EntityKind::Person) {
        return false;
    }
    if LEXICON.get(name).is_some_and(|k| k.kind == EntityKind::Person) {
        return true;
    }
    if chars.last().is_some_and(|c| NON_NAME_ENDINGS.contains(*c)) {
        return false;
    }
    let chinese_shape = (SURNAMES.contains(chars[0]) && chars.len() <= 3)
        || (DOUBLE_SURNAMES.iter().any(|s| name.starts_with(s)) && chars.len() <= 4);
    let foreign_shape = chars.iter().all(|c| TRANSLITERATION.contains(*c));
    (chinese_shape || foreign_shape) && !starts_with_common_word(name)
}

/// True when jieba reads the start of `name` as an ordinary word (任期内 → 任期/n).
fn starts_with_common_word(name: &str) -> bool {
    let tags = JIEBA.tag(name, false);
    let Some(first) = tags.first() else { return false };
    if first.word.chars().count() < 2 || first.tag.starts_with("nr") {
        return false;
    }
    let whole_word = first.word.len() == name.len();
    let common = ["n", "v", "vn", "a", "ad", "an", "d", "t", "m", "q", "r", "p", "c", "u", "f", "s", "l", "i", "ns", "nt", "nz", "vd", "b", "z"];
    common.contains(&first.tag) || (whole_word && first.tag != "x")
}

/// Analysts named with their SAC registration number (`罗琨 S0350522110003`).
fn sac_people(text: &str) -> Vec<String> {
    // The number is `S` and 13 digits.
    if !text.contains('S') {
        return Vec::new();
    }
    SAC_LINE
        .captures_iter(text)
        .filter_map(|caps| caps.get(1).map(|m| m.as_str().to_string()))
        .filter(|name| looks_like_person_name(name))
        .collect()
}

/// Names listed before `等总统`/`等领导人` next to a known person (`特朗普、奥巴马、小布什等总统`).
fn listed_people(text: &str, known_people: &HashSet<String>) -> Vec<String> {
    let mut people = Vec::new();
    if !text.contains('等') {
        return people;
    }
    for caps in NAME_LIST.captures_iter(text) {
        let Some(list) = caps.get(1) else { continue };
        let items: Vec<&str> = list.as_str().split(['、', '，', ',']).map(|s| cut_after_left_stop(s.trim())).collect();
        if !items.iter().any(|item| known_people.contains(*item)) {
            continue;
        }
        for item in items {
            let count = item.chars().count();
            let is_other_kind = LEXICON.get(item).is_some_and(|k| k.kind != EntityKind::Person);
            let ends_like_org = item.chars().next_back().is_some_and(|c| NON_NAME_ENDINGS.contains(c));
            if (2..=4).contains(&count) && !is_other_kind && !ends_like_org {
                people.push(item.to_string());
            }
        }
    }
    people
}

// ---------------------------------------------------------------- organisations

/// The company name at the end of a run (`推荐关注高测股份` → `高测股份`): whole when four
/// characters or fewer, else the last jieba words making at least three characters.
pub(crate) fn company_short_name(run: &str) -> String {
    let run = run.trim_start_matches('*');
    if run.chars().count() <= 4 {
        return run.to_string();
    }
    let words = JIEBA.cut(run, false);
    let mut taken = 0;
    let mut start = run.len();
    let mut last_word_chars = 0;
    for word in words.iter().rev() {
        start = word.byte_start;
        last_word_chars = word.word.chars().count();
        taken += last_word_chars;
        if taken >= 3 {
            break;
        }
    }
    // 高/测/股份: a single character that completes three is a fragment; take one more.
    if taken == 3 && last_word_chars == 1 {
        if let Some((offset, _)) = run[..start].char_indices().next_back() {
            start = offset;
        }
    }
    run[start..].to_string()
}

/// Acronyms paired with a bracketed organisation name, and that name (`USTR（美国贸易代表办公室）`,
/// `美国贸易办公室 (USTR)`).
fn acronym_orgs(text: &str) -> Vec<String> {
    let mut orgs = Vec::new();
    // Both patterns need a capital A-Z and an opening bracket (most texts have neither).
    if !(text.bytes().any(|b| b.is_ascii_uppercase()) && (text.contains('（') || text.contains('('))) {
        return orgs;
    }
    let pairs = acronym_then_name(text)
        .into_iter()
        .chain(NAME_THEN_ACRONYM.captures_iter(text).filter_map(|c| Some((c.get(2)?.as_str(), c.get(1)?.as_str()))));
    for (acronym, name) in pairs {
        if NON_ORG_ACRONYMS.contains(&acronym) {
            continue;
        }
        let name = cut_after_org_left_stop(name);
        if ends_like_organisation(name) {
            orgs.push(acronym.to_string());
            if name.chars().count() >= 3 {
                orgs.push(name.to_string());
            }
        }
    }
    orgs
}

fn ends_like_organisation(name: &str) -> bool {
    ["办公室", "委员会", "组织", "协会", "联盟", "基金", "银行", "公司", "集团", "中心", "局", "部", "署", "会", "院", "所", "党", "社", "网", "行"]
        .iter()
        .any(|s| name.ends_with(s))
}

/// Media names in 【】 (`【财新网】`).
fn media_orgs(text: &str) -> Vec<String> {
    if !text.contains('【') {
        return Vec::new();
    }
    MEDIA_BRACKET.captures_iter(text).filter_map(|c| c.get(1).map(|m| m.as_str().to_string())).collect()
}

/// Organisations ending in a suffix such as 证券研究所, 银行, 政府 (`光大证券研究所`, `中国政府`);
/// of nested finds in one run only the longest is kept.
fn suffix_orgs(text: &str) -> Vec<String> {
    let mut orgs = Vec::new();
    for run in HAN_RUN.find_iter(text) {
        let run_text = run.as_str();
        // Bit i: the first character of ORG_SUFFIXES[i] occurs in the run (most runs hold none,
        // and searching for each suffix costs more than this one pass).
        let mut present = 0u32;
        for c in run_text.chars() {
            for (i, first) in ORG_SUFFIX_FIRSTS.iter().enumerate() {
                if c == *first {
                    present |= 1 << i;
                }
            }
        }
        if present == 0 {
            continue;
        }
        let mut spans: Vec<(usize, usize)> = Vec::new();
        for (i, suffix) in ORG_SUFFIXES.iter().enumerate() {
            if present & (1 << i) == 0 {
                continue;
            }
            for (suffix_start, _) in run_text.match_indices(suffix) {
                let suffix_end = suffix_start + suffix.len();
                if !org_name_ends_here(&run_text[suffix_end..]) {
                    continue;
                }
                let prefix = name_prefix(cut_after_org_left_stop(&run_text[..suffix_start]));
                let prefix_chars = prefix.chars().count();
                let generic = GENERIC_ORG_PREFIXES.iter().any(|g| prefix.ends_with(g)) || GENERIC_WHOLE_PREFIXES.contains(&prefix);
                if !(2..=8).contains(&prefix_chars) || generic {
                    continue;
                }
                let start = suffix_start - prefix.len();
                spans.push((start, suffix_start + suffix.len()));
            }
        }
        spans.sort_unstable();
        spans.dedup();
        for (start, end) in &spans {
            let nested = spans.iter().any(|(s, e)| s <= start && e >= end && (s, e) != (start, end));
            if !nested {
                orgs.push(run_text[*start..*end].to_string());
            }
        }
    }
    orgs
}

/// True when the text after an organisation suffix lets the name end there: the run ends, or
/// goes on with a function word or verb (`中国政府的`, `光大证券发布`), not with a noun that
/// makes the suffix a modifier (`中国证券投资咨询`, `证券业协会`).
fn org_name_ends_here(after: &str) -> bool {
    match after.chars().next() {
        None => true,
        Some(c) => "与和及在于的对将发表已等称指认预数报宣公也均都则是为同向从提推通加".contains(c),
    }
}

/// The name part of the words before an organisation suffix: what follows the last verb,
/// adverb, pronoun or other function word (`本报告仅供东莞` → `东莞`, `具备` → ``).
fn name_prefix(text: &str) -> &str {
    let tags = JIEBA.tag(text, false);
    let function_tags = ["v", "vn", "vd", "d", "c", "p", "r", "u", "ul", "uj", "uz", "ug", "uv", "ud", "q", "m", "f", "a", "ad", "y", "zg", "l"];
    let mut start = 0;
    for tag in &tags {
        let multi_char_function_word = function_tags.contains(&tag.tag) && tag.word.chars().count() >= 2;
        let single_stop = ["本", "该", "此", "号", "但", "若", "非", "供", "仅", "由", "把", "被", "让", "给", "且", "或", "其", "归", "任何", "所述"];
        if multi_char_function_word || single_stop.contains(&tag.word) {
            start = tag.byte_end;
        }
    }
    &text[start..]
}

/// Entities tagged by jieba's dictionary, from one tagging pass: `nt` organisations that end in
/// an organisation character (商务部, 国家统计局) and `nrfg` people (习近平), each in text order.
fn jieba_entities(text: &str) -> (Vec<String>, Vec<String>) {
    let (mut orgs, mut people) = (Vec::new(), Vec::new());
    for tag in JIEBA.tag(text, false) {
        if tag.tag == "nrfg" && (2..=4).contains(&tag.word.chars().count()) {
            people.push(tag.word.to_string());
        } else if tag.tag == "nt"
            && tag.word.chars().count() >= 3
            && tag.word.chars().next_back().is_some_and(|c| ORG_ENDINGS.contains(c))
            && !GENERIC_NT.contains(&tag.word)
        {
            orgs.push(tag.word.to_string());
        }
    }
    (orgs, people)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_after_titles_are_cut_at_the_verb() {
        assert_eq!(title_people("王毅外长在同美国国务卿布林肯于 10 月 31 日的罗马会晤"), vec!["布林肯", "王毅"]);
        assert_eq!(title_people("共和党候选人扬金近 8 个百分点"), vec!["扬金"]);
        assert_eq!(title_people("美气候特使克里应中方邀请访问天津"), vec!["克里"]);
        assert_eq!(title_people("9 月 25 日孟晚舟女士成功归国"), vec!["孟晚舟"]);
        assert_eq!(title_people("外交部发言人华春莹宣布"), vec!["华春莹"]);
    }

    #[test]
    fn titles_next_to_words_are_not_people() {
        assert!(title_people("美国总统大选").is_empty());
        assert!(title_people("中国国家主席习近平").iter().all(|n| n == "习近平"));
        assert!(title_people("董事长兼总经理").is_empty());
        assert!(title_people("韩国总统").is_empty());
        assert!(title_people("总统任期内").is_empty());
    }

    #[test]
    fn analysts_are_read_from_sac_lines() {
        assert_eq!(sac_people("证券分析师:罗琨 S0350522110003"), vec!["罗琨"]);
        assert_eq!(sac_people("陈屹   分析师 SAC 执业编号: S1130521050001"), vec!["陈屹"]);
    }

    #[test]
    fn listed_companies_keep_their_codes() {
        let mut report = Report::default();
        for text in ["推荐关注高测股份（688556）", "上海莱士（002252）", "金凯生科 (301509.SZ)", "高测股份 688556", "电话 0769-22111089，日期 20230202"] {
            report.blocks.push(yanbao_model::Block { text: text.into(), ..Default::default() });
        }
        let entities = extract_entities(&report);
        let coded: Vec<(&str, &str)> = entities.iter().filter_map(|e| Some((e.name.as_str(), e.code.as_deref()?))).collect();
        assert_eq!(coded.len(), 3, "{coded:?}");
        for (name, code) in [("高测股份", "688556"), ("上海莱士", "002252"), ("金凯生科", "301509")] {
            assert!(coded.contains(&(name, code)), "{name}: {coded:?}");
        }
        assert!(entities.iter().filter(|e| e.code.is_some()).all(|e| e.kind == EntityKind::Company));
    }

    #[test]
    fn acronyms_need_an_organisation_beside_them() {
        assert_eq!(acronym_orgs("10 月 5 日 USTR（美国贸易代表办公室）公布"), vec!["USTR", "美国贸易代表办公室"]);
        assert!(acronym_orgs("国内生产总值（GDP）").is_empty());
        assert!(acronym_orgs("ROE(归属母公司)").is_empty());
    }

    #[test]
    fn acronym_pairs_are_those_of_the_word_boundary_pattern() {
        let with_boundary = Regex::new(r"\b([A-Z][A-Z&]{1,7})\s*[（(]\s*(\p{Han}{2,16})\s*[)）]").unwrap();
        for text in [
            "10 月 5 日 USTR（美国贸易代表办公室）公布",
            "中国USTR（美国贸易代表办公室）",
            "xA&B（美国政府办公室）与 C&D (国家统计局)",
            "_ABC（美国商务部）ABC（美国商务部） ABC（美国商务部）",
            "é.WTO（世界贸易组织）、IMF（国际货币基金组织）",
        ] {
            let expected: Vec<(&str, &str)> =
                with_boundary.captures_iter(text).map(|c| (c.get(1).unwrap().as_str(), c.get(2).unwrap().as_str())).collect();
            assert_eq!(acronym_then_name(text), expected, "{text}");
        }
    }

    #[test]
    fn organisation_suffixes_keep_the_longest_name() {
        assert_eq!(suffix_orgs("光大证券研究所"), vec!["光大证券研究所"]);
        assert!(suffix_orgs("商业银行和地方政府").is_empty());
        assert_eq!(suffix_orgs("日照港集团"), vec!["日照港集团"]);
        assert!(suffix_orgs("分别代表政府").is_empty());
        assert!(suffix_orgs("科技有限公司").is_empty());
        assert_eq!(suffix_orgs("到天风证券"), vec!["天风证券"]);
    }

    #[test]
    fn listed_names_need_one_known_person() {
        let known: HashSet<String> = ["特朗普".to_string()].into();
        let people = listed_people("与特朗普、奥巴马、小布什等总统相比", &known);
        assert_eq!(people, vec!["特朗普", "奥巴马", "小布什"]);
        assert!(listed_people("与上海、北京等城市相比", &known).is_empty());
    }
}
