/** A noun with its indefinite article, for messages: "a list", "an integer". */
export function withArticle(word: string): string {
  return `${/^[aeiou]/i.test(word) ? 'an' : 'a'} ${word}`;
}
