/** The little XML S3's REST API speaks: documents built from nested [name, value] pairs. */

export const S3_NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/';

/** A value: text, or child elements; `undefined` leaves the element out. */
export type XmlValue = string | number | boolean | undefined | XmlNode[];
export type XmlNode = readonly [name: string, value: XmlValue];

/**
 * Escapes text for element content. Carriage returns and control characters are written as
 * character references, as S3 does, so a key holding them reads back unchanged.
 */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"'\u0000-\u0008\u000b-\u001f\u007f]/g, (char) => {
    switch (char) {
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '"':
        return '&quot;';
      case "'":
        return '&apos;';
      default:
        return `&#${char.charCodeAt(0)};`;
    }
  });
}

function render(nodes: readonly XmlNode[]): string {
  return nodes
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `<${name}>${Array.isArray(value) ? render(value) : escapeXml(String(value))}</${name}>`)
    .join('');
}

/** A whole document; S3's responses carry its namespace on the root, its errors do not. */
export function xmlDocument(root: string, children: readonly XmlNode[], namespace: string | null = S3_NAMESPACE): string {
  const attribute = namespace ? ` xmlns="${namespace}"` : '';
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root}${attribute}>${render(children)}</${root}>`;
}

/** The text of every `<name>` element in `xml` (no nesting of the same name), entities decoded. */
export function elementTexts(xml: string, name: string): string[] {
  const pattern = new RegExp(`<${name}(?:\\s[^>]*)?>([\\s\\S]*?)</${name}>`, 'g');
  return [...xml.matchAll(pattern)].map((match) => unescapeXml(match[1]));
}

export function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g, (_, entity: string) => {
    switch (entity) {
      case 'amp':
        return '&';
      case 'lt':
        return '<';
      case 'gt':
        return '>';
      case 'quot':
        return '"';
      case 'apos':
        return "'";
      default:
        return String.fromCodePoint(entity[1] === 'x' ? Number.parseInt(entity.slice(2), 16) : Number.parseInt(entity.slice(1), 10));
    }
  });
}
