/** The report's cover (申报材料封面格式): base name, address, operator, contact, phone, e-mail, date. */
import type { CoverField } from './model.ts';
import { escapeRegExp } from './sections.ts';

const COVER_LABELS: Record<CoverField, string[]> = {
  baseName: ['基地名称'],
  address: ['基地地址', '地址'],
  operator: ['运营单位', '运营机构', '运营主体', '运营企业'],
  contact: ['联系人'],
  phone: ['联系电话', '电话', '手机'],
  email: ['联系邮箱', '电子邮箱', '电子邮件', '邮箱', 'E-mail', 'Email'],
  reportDate: ['报告时间', '报告日期', '填报时间', '日期'],
};

export function readCover(coverText: string): Partial<Record<CoverField, string>> {
  const labelToField = new Map<string, CoverField>();
  const alternatives: string[] = [];
  for (const [field, labels] of Object.entries(COVER_LABELS) as [CoverField, string[]][]) {
    for (const label of labels) {
      labelToField.set(label.toLowerCase(), field);
      alternatives.push(label);
    }
  }
  alternatives.sort((a, b) => b.length - a.length);
  // Labels are often letter-spaced (联 系 人：) and followed by a full- or half-width colon, or a table gap.
  const labelPattern = alternatives.map((label) => [...label].map(escapeRegExp).join('[ \\u3000]*')).join('|');
  const labelRe = new RegExp(`(${labelPattern})[ \\u3000]*(?:[:：]|\\t)`, 'gi');

  const cover: Partial<Record<CoverField, string>> = {};
  const lines = coverText.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const matches = [...line.matchAll(labelRe)];
    for (let m = 0; m < matches.length; m++) {
      const match = matches[m]!;
      const field = labelToField.get(match[1]!.replace(/[ \u3000]/g, '').toLowerCase());
      if (!field || cover[field] !== undefined) continue;
      const end = matches[m + 1]?.index ?? line.length;
      let value = cleanCoverValue(line.slice(match.index + match[0].length, end));
      // Table-like covers put the value on the next line.
      const next = lines[i + 1];
      if (!value && m === matches.length - 1 && next !== undefined && !new RegExp(labelRe.source, 'i').test(next)) {
        value = cleanCoverValue(next);
      }
      if (field === 'reportDate' && !/[\d〇零一二三四五六七八九十]/.test(value)) continue;
      if (!value || value.length > 80) continue;
      cover[field] = field === 'phone' || field === 'email' ? value.normalize('NFKC').replace(/\s/g, '') : value;
    }
  }
  return cover;
}

function cleanCoverValue(value: string): string {
  return value
    .replace(/[_＿]{2,}/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[，。；,;]$/, '');
}
