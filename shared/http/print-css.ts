/**
 * The pages on paper (`<style media="print">` in the page frame): no navigation, forms, buttons or filters; the
 * tables whole (no scroll box), their header repeated on every page, rows not split; state chips keep their
 * colours; A4 landscape, which the wide tables need.
 */
export const PRINT_CSS = `
@page{size:A4 landscape;margin:12mm 10mm}
header.top nav,header.top form,header.top .who,form.search,form.inline,details.inline,button,.no-print,.copy-line,
.tools,.filters,.page-actions,.scroll-hint,.pager,a.button,script{display:none!important}
body{font-size:10.5pt;color:#000;background:#fff}
header.top{background:none!important;color:#000;padding:0 0 .3rem;border-bottom:1.5px solid #000;display:block}
header.top a,header.top .brand{color:#000;font-size:12pt}
main{max-width:none;padding:.4rem 0 0;margin:0}
a{color:inherit!important;text-decoration:none!important}
.table-wrap{overflow:visible!important;border:0;background:none!important}
table{font-size:9pt;border:1px solid #999}th,td{border:1px solid #bbb!important;padding:.2rem .35rem}
thead{display:table-header-group}tr,.card,.item,li{break-inside:avoid}h1,h2{break-after:avoid}
th,.chip,.card,.countdown,.bar,.bar>span{-webkit-print-color-adjust:exact;print-color-adjust:exact}
.chip{border:1px solid #999}.countdown{border:1px solid #999}table .small{font-size:inherit}
th button.sort{display:inline!important;color:#000!important;font-weight:600}th button.sort::after{content:none!important}
`;
