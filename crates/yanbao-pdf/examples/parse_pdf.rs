//! Prints the report JSON of a PDF: `parse FILE.pdf`, or score_gold.py's form
//! `parse --data DIR parse FILE.pdf --format json`.
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.iter().find(|a| a.to_lowercase().ends_with(".pdf")) else {
        eprintln!("usage: parse FILE.pdf");
        std::process::exit(2);
    };
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(error) => {
            eprintln!("error: cannot read {path}: {error}");
            std::process::exit(1);
        }
    };
    let password = std::env::var("YANBAO_PDF_PASSWORD").ok();
    let options = yanbao_pdf::PdfOptions { password, ..Default::default() };
    match yanbao_pdf::parse_pdf(&bytes, path, &options) {
        Ok(report) => println!("{}", serde_json::to_string_pretty(&report).unwrap_or_default()),
        Err(error) => {
            eprintln!("error: {error}");
            std::process::exit(1);
        }
    }
}
