package kiln.stress.cpu;

/** The known answers of {@link Fma}: per standard seed, the 48 elements' bits (accumulator-major, lane-minor). */
final class FmaAnswers {
    static final long[][] ANSWERS = {
        {
            0x3fe206734b30743bL, 0xbfd7c8d7823cc632L, 0xbfb96663f50554f5L, 0x3fb48e46aa4cca06L,
            0xbfe1ade205859c7bL, 0x3fe4f55e0dd24232L, 0x3fedbe32b6e40b7eL, 0x3fe68c6d2cf102f8L,
            0xbfe73656683173ccL, 0x3feaf1ce93a7ba60L, 0xbfedfea6ae15cdabL, 0xbfd3239b460ccb9aL,
            0x3fcf7292b08fbeb1L, 0xbfed64cafb06b7b6L, 0xbfe5640a632a8743L, 0x3fedd81b02b54276L,
            0x3fd49ce34f04e666L, 0xbfd0b3a1306b5268L, 0x3fe8b423e1ec686eL, 0x3fcc32429a320963L,
            0xbfeaf68383a96050L, 0xbfe947ee65bec478L, 0x3fef8bf7f7fa4ae6L, 0xbfc64198f2923972L,
            0xbfdd51fa1d251706L, 0x3fbe36327d7460cbL, 0xbfee1cb035c11421L, 0xbfec9116e8438fcaL,
            0xbf97a8abc228716dL, 0x3fcee8e9a7472607L, 0xbfea51e16e23e30bL, 0x3f98f58d924a9885L,
            0xbfe8534eb4d92515L, 0xbfd1b050cf852e8bL, 0x3fde02391d5cb6f1L, 0xbfeb677ddf24ca10L,
            0x3fe183613736bebaL, 0xbf9e1b369fee0b33L, 0x3feaffe4b0c85357L, 0xbfe7d6a4c367d477L,
            0xbfbb29775a646779L, 0x3fd4da3500ea7c32L, 0x3feb57c074980517L, 0xbfde5e48e6af3b07L,
            0xbfe7a2b2a2a7e1e8L, 0xbfe3a584fa99ddfbL, 0xbf637a3ec807b632L, 0x3fe3fc8ca0296417L,
        },
        {
            0x3fc109edea67c094L, 0x3fdf75a6ccc4109cL, 0x3fee24d8b7fa3075L, 0xbfbc7d72da93d411L,
            0xbfbc89d64accc9d0L, 0x3fe0d332fdc99dffL, 0x3fe8266b1830ff0eL, 0x3fa79dec3954d07cL,
            0xbfdb74938d76b07aL, 0x3fe2d0c72142fe7fL, 0xbfc88a6385ed6145L, 0x3fcafc9449b53900L,
            0xbfb712e0e8865729L, 0x3faecc075669cda3L, 0xbfc064d24f841d80L, 0xbfe54f5c776cb71bL,
            0x3fd29a335108b624L, 0x3fe42ea4340ff54aL, 0x3fd741fbc8301640L, 0x3fe898b60ac9e424L,
            0xbfebc75ee26d9abbL, 0xbfeaca2a2d8fb122L, 0xbf80e42f10ce71a4L, 0xbfe81f0be42c62c1L,
            0xbfdb469d19ae58e3L, 0xbfecef3fdcf1bb14L, 0x3f9fc6e5383956acL, 0x3fdb5cb7741afdfcL,
            0xbfed334a6b0880cfL, 0x3fefdb09f60ae024L, 0x3fc90c9707f12ee4L, 0x3fc62ad96503a859L,
            0xbfca535d945b9133L, 0xbfbf3da19d869a16L, 0xbfdf94ded4f5ec28L, 0x3fae77b8858cf4ccL,
            0x3fb65b8485f11f20L, 0x3fdfc60cd987570fL, 0x3fe45a992a1a66bbL, 0x3fd593b0b62cb564L,
            0x3fe72821cf731a3eL, 0x3fdaa57e1cef5d3cL, 0xbfe0df880e0dcbbcL, 0x3fd3ff6699c35521L,
            0x3fe79c243d746bf9L, 0x3fe5b78ab08dbfb6L, 0xbfd67918cca46a2cL, 0xbfe5d01182b9eb6dL,
        },
        {
            0x3fe2a075bc500663L, 0x3feb3906e78c7fe5L, 0x3faef94e8ea66ff1L, 0xbfd2c73fb8fb4799L,
            0x3fe0d165b63ffd72L, 0x3fe91f6cc76aaa0aL, 0xbfedcd623313d0b3L, 0x3fe7e904a20b88ccL,
            0xbfe96cf1ab569340L, 0x3fd18a2683370fb2L, 0xbfcd2e6f22863601L, 0xbfd7c7ed110500adL,
            0xbfb4b530cae34d77L, 0x3fe7ea8860c42802L, 0x3fe7f6f7c491160aL, 0x3fd5276d81708c32L,
            0xbfe48b3934ce0235L, 0x3f92bf4bf2018e63L, 0x3fc54763d5a3a631L, 0xbfead757479fe1afL,
            0xbfdff18c77a8fcf8L, 0xbfee063f67b2b2fbL, 0xbfdf8739c9a49f4fL, 0xbfcd0468aff28075L,
            0x3fdb71410e3aee94L, 0x3fe45454f30dff0fL, 0x3feebe8f4a86774fL, 0x3fe0f2a0f63cf05eL,
            0xbfe703487e0fe517L, 0x3fd4c119c6473f1bL, 0xbfe879973b10795aL, 0xbf9180fc3ca4fd37L,
            0xbfed989f7ef8d027L, 0x3fab27b2e4eaf2c4L, 0xbfed7c3c088bc3b8L, 0x3fd0fecda02264eaL,
            0x3fd9ef27d0c75a95L, 0x3fef44aca9eb4928L, 0xbfe1d49fd3b58598L, 0xbfeed9e1f3ff7e4fL,
            0xbfee0a5961059022L, 0x3fcaf480eaee9772L, 0xbfda8297cd1ab6d4L, 0xbfdbd22b0c2566d8L,
            0x3fdb614c41271b00L, 0x3fdf1c5aa3d98344L, 0x3fc93dcf3ba03b0aL, 0x3fe123cc69cda0d6L,
        },
        {
            0x3fe0384ac387972eL, 0x3fb2151b1965dbfbL, 0x3fd9c42ec1fe5a55L, 0xbfc5fca718177e77L,
            0xbfeedf3ec0eaf68cL, 0x3fec5d63f6fcb435L, 0xbfe1b8d441bf25b2L, 0xbfda2859a6973473L,
            0xbfe2ae32ec4951b3L, 0x3fe673bac2a3355dL, 0x3fc61f6cc4a96e6aL, 0xbfefdae5298f609cL,
            0x3fe8c8378ad667c3L, 0xbfcd01d3d50fd63fL, 0xbfd29e9a645c3f40L, 0xbfeaebf9f187a854L,
            0xbfa73d0cdef633a1L, 0xbfd55fa5201f02a2L, 0xbfea4c53e75250bdL, 0xbfe4c1d3aaa624cdL,
            0x3fe272398c8d4300L, 0x3fe5bfd4800aac48L, 0xbfd6738cb143c3b5L, 0xbfb82b48c56b04c0L,
            0xbfebf64afe6486d6L, 0x3fed05fe7ff689b2L, 0xbfbc94039b6fb037L, 0x3fe6986d597c3242L,
            0xbfdc8a65f79780b6L, 0x3fd91d4b45c78cd9L, 0xbfc83741eb26ec07L, 0xbf84bd9ebbd40b37L,
            0x3fc8073544fa1c65L, 0xbfe846832f4677ccL, 0x3fde1a7b2756f4bbL, 0x3fe38e16308aab02L,
            0xbfe66948f440cd92L, 0x3fef46422e5cd8b3L, 0x3fe65d924b8cb29dL, 0xbfe3247214114f0cL,
            0xbfea41eaa158e5ebL, 0x3fe69f260e465d81L, 0xbfe85cd1e52b1815L, 0xbfe0566fb37aea15L,
            0x3fd0403039dcecffL, 0xbfddcb4f2e12fa01L, 0x3fdeada9a503b113L, 0x3fda351a4b1029a9L,
        },
    };

    private FmaAnswers() {
    }
}
