//! Prints the company fields yanbao reads from text reports (a development aid).
fn main() {
    for path in std::env::args().skip(1) {
        let bytes = std::fs::read(&path).expect("readable");
        let mut report = yanbao_text::parse_text(&bytes, &path).expect("parses");
        yanbao_knowledge::enrich(&mut report);
        let coded: Vec<String> = report.entities.iter().filter_map(|e| Some(format!("{}={}", e.name, e.code.as_deref()?))).collect();
        println!("== {path}\ntitle: {}\ncompany: {:?}\nrating: {:?} {:?}\ntarget: {:?} {:?}\ncoded: {}", report.title, report.company, report.rating, report.rating_action, report.target_price, report.target_currency, coded.join(" "));
        for f in &report.forecasts { print!("{}:{}={}{} ", f.year, f.metric, f.value, f.unit); }
        println!();
    }
}
