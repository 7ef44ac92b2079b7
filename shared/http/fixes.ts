/**
 * What to do about a finding, in the plain Chinese a clerk would say on the phone to the base. Keyed by the
 * finding's stable code; a code without its own advice falls back to the advice for its family (`form.`, ...).
 */
import type { Finding } from '../domain/findings.ts';

const FIXES: Record<string, string> = {
  'archive.corrupt': '压缩包已损坏，请基地重新打包后再发送。',
  'archive.empty': '压缩包内没有文件，请基地检查后重新发送。',
  'archive.encrypted': '压缩包设有密码，请基地发送不加密的压缩包或直接发送文件。',
  'archive.entry-too-large': '压缩包中有超大文件，请基地压缩图片或拆分后分批发送。',
  'archive.entry-unsafe': '压缩包中的文件路径异常，请基地重新打包（勿包含“..”等路径）。',
  'archive.names-legacy-encoding': '文件名编码已自动识别，无需处理；如文件名显示异常，请核对内容。',
  'archive.nested-too-deep': '压缩包嵌套层数过多，请基地解压后重新打成一个压缩包。',
  'archive.ratio-suspect': '压缩包压缩比异常，请人工核查后再处理。',
  'archive.too-large': '压缩包过大，请基地拆分后分批发送或通过上传通道提交。',
  'archive.too-many-entries': '压缩包内文件过多，请基地按指标整理后分批发送。',
  'archive.unsupported-format': '压缩格式无法读取，请基地改用 ZIP 格式重新打包。',
  'archive.unsupported-method': '压缩方式无法读取，请基地改用常见的 ZIP 压缩方式重新打包。',
  'file.memory-limit': '文件读取时占用内存超过上限，已停止读取；请人工打开核对，或请基地另存为新文件后重新发送。',
  'file.package-too-large':
    '文件解压后过大（可能含大量空行或异常内容），未读取；请人工核对，或请基地删去多余内容后另存发送。',
  'file.reader-failed': '文件读取程序出错，未能读取内容；请人工打开核对。',
  'file.time-limit': '文件读取超时，已停止读取；请人工打开核对。',
  'form.partly-read': '报告表只读取了一部分（页数或单元格文字过多），请对照原件核实其余部分。',
  'form.no-items': '报告表中找不到评价项目，请基地使用通知附件2的原表格填写后重新发送。',
  'form.encrypted': '报告表设有打开密码，请基地取消密码后重新发送。',
  'form.format-unknown': '报告表格式无法识别，请基地以 Excel（.xlsx/.xls）、Word（.docx）或 PDF 格式发送。',
  'form.garbled': '报告表 PDF 文字乱码，请基地发送 Word 或 Excel 原件，或重新导出 PDF（嵌入字体）。',
  'form.low-confidence': '报告表为扫描件，数值由文字识别读出，请对照原件逐项核实。',
  'form.not-xlsx': '报告表请以 Excel（.xlsx）格式发送，不要转成图片或 PDF。',
  'form.out-of-range': '数值超出合理范围，请与基地核实后由基地更正报告表。',
  'form.unit-converted': '已按通知规定的单位换算，请与基地确认换算后的数值。',
  'form.scanned': '报告表为扫描图片，系统无法识别文字，请基地另发 Word 或 Excel 原件，或由工作人员对照录入。',
  'form.ticks-claimed': '该项只填了“是”，未勾选具体做法，请基地补充勾选（按已开展计）。',
  'form.unreadable': '报告表无法读取，请基地另存为 .xlsx 后重新发送。',
  'form.value-unreadable': '该项填写内容无法识别，请基地按“数字+规定单位”重新填写。',
  'form.value-conflict': '该项在表中有两处填写不一致，系统未采用，请与基地核实正确数值。',
  'intake.attachment-too-large': '附件过大，请基地压缩或通过上传通道提交。',
  'intake.base-ambiguous': '无法确定所属基地，请在“待分配”中指定基地。',
  'intake.base-cancelled': '该基地已被取消称号，不参加本次评价；如有疑问请与所在市商务局联系。',
  'intake.base-unknown': '无法识别所属基地，请在“待分配”中指定基地，或登记为新推荐基地。',
  'intake.message-too-large': '邮件过大，请基地分批发送或通过上传通道提交。',
  'intake.quarantined': '邮件未通过安全检查，已隔离；请人工核查后再决定是否处理。',
  'mail.message-id-reused': '邮件标识与之前的另一封邮件相同但内容不同，已单独登记，无需处理。',
  'mail.too-many-attachments':
    '邮件附件过多，只读取了一部分；请基地将证明材料压缩为 ZIP 或分批发送，其余附件可在原始邮件中查看。',
  'mail.too-many-parts': '邮件结构过于复杂，只读取了一部分附件；请基地将材料压缩为 ZIP 后重新发送。',
  'mail.forwarded': '邮件为转发，请核实实际提交的基地。',
  'mail.no-attachments': '邮件没有附件，请基地补发材料。',
  'mail.tnef': '邮件附件为 winmail.dat 格式，请基地关闭 RTF 格式后重新发送。',
  'mail.unparseable': '邮件无法解析，请人工查看原始邮件。',
  'report.corrupt': '自评报告文件已损坏，请基地重新导出 PDF 后发送。',
  'report.encrypted': '自评报告设有密码，请基地发送不加密的 PDF。',
  'report.figure-missing': '自评报告中未找到交易额，请基地在“经营业绩”中写明交易额（万元）。',
  'report.format-unsupported': '自评报告格式无法读取，请基地以 PDF 或 Word（.docx）格式发送。',
  'report.no-text': '自评报告为扫描图片，无法读取文字，请基地发送可复制文字的 PDF 或 Word 文件。',
  'report.section-missing': '自评报告缺少通知附件3要求的章节，请基地按提纲补充。',
  'report.text-garbled': '自评报告文字乱码，请基地重新导出 PDF（嵌入字体）后发送。',
  'report.timeout': '自评报告读取超时，请人工查看文件。',
  'report.truncated': '自评报告不完整，请基地重新发送完整文件。',
  'rule.control-not-met': '未达到控制项要求，请与基地核实数据；确认无误的，按通知规定处理。',
  'rule.control-relaxed': '按放宽条件达到控制项，请专家评审时核实放宽条件。',
  'rule.cross-field': '相关项目之间数据矛盾，请与基地核实后由基地更正报告表。',
  'rule.notice-slip': '通知本身的口径问题，无需基地处理；请专家评审时留意。',
  'rule.report-mismatch': '报告表与自评报告的交易额不一致，请基地核对后更正其中之一。',
  'rule.unit-suspect': '数值疑似单位填错（如填成元或亿元），请基地按规定单位（万元、万平方米）更正。',
  'workbook.zip': '文件格式异常，请基地另存为标准 .xlsx 后重新发送。',
};

const FAMILY_FIXES: Record<string, string> = {
  archive: '压缩包有问题，请基地重新打包（ZIP，不加密）后发送。',
  form: '请与基地核实报告表，由基地更正后重新发送。',
  intake: '请在“待分配”中处理或人工核查。',
  mail: '请人工查看该邮件。',
  report: '请基地按通知附件3重新提交自评报告。',
  rule: '请与基地核实数据。',
  file: '文件未能读取，请人工打开核对。',
};

/** The advice for a finding (never empty). */
export function fixFor(finding: Pick<Finding, 'code'>): string {
  return FIXES[finding.code] ?? FAMILY_FIXES[finding.code.split('.')[0] ?? ''] ?? '请人工核查。';
}
